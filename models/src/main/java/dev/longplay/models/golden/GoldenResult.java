package dev.longplay.models.golden;

/** The outcome of one golden case: worst error over its outputs, and which output it was. */
public record GoldenResult(String name, String component, double maxAbsError, double allowed, String worstOutput,
                           Status status, String message) {

    public enum Status { PASS, FAIL, UNSUPPORTED, ERROR }

    public boolean passed() {
        return status == Status.PASS;
    }

    public String line() {
        return switch (status) {
            case PASS, FAIL -> String.format("%-28s %-20s max_abs_err=%.3e (allowed %.3e, %s) %s",
                    name, component, maxAbsError, allowed, worstOutput, status == Status.PASS ? "pass" : "FAIL");
            case UNSUPPORTED -> String.format("%-28s %-20s unsupported component FAIL", name, component);
            case ERROR -> String.format("%-28s %-20s error: %s FAIL", name, component, message);
        };
    }
}
