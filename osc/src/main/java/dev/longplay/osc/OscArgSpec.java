package dev.longplay.osc;

/**
 * One argument of an address (or one {@code key value} option): its name, type, whether it must be given,
 * an inclusive numeric range (NaN = unbounded) and what it means.
 */
public record OscArgSpec(String name, OscArgType type, boolean required, double min, double max, String description) {

    public static OscArgSpec required(String name, OscArgType type, String description) {
        return new OscArgSpec(name, type, true, Double.NaN, Double.NaN, description);
    }

    public static OscArgSpec optional(String name, OscArgType type, String description) {
        return new OscArgSpec(name, type, false, Double.NaN, Double.NaN, description);
    }

    /** The same argument, limited to {@code [min, max]}. */
    public OscArgSpec range(double min, double max) {
        return new OscArgSpec(name, type, required, min, max, description);
    }

    public boolean hasRange() {
        return !Double.isNaN(min) || !Double.isNaN(max);
    }

    /**
     * The value converted to this argument's type and checked against its range.
     *
     * @param where how the message names the argument, e.g. {@code "/gen/text: argument 3 'seconds'"}
     * @throws OscCommandException E_BAD_ARG with a message that says what was expected and what came
     */
    public Object check(String where, Object raw) {
        Object value = type.coerce(raw);
        if (value == null) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG,
                    where + " must be " + article(type.noun()) + " (got " + describe(raw) + ")");
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || (!Double.isNaN(min) && d < min) || (!Double.isNaN(max) && d > max)) {
                throw new OscCommandException(OscErrorCode.E_BAD_ARG,
                        where + " must be " + rangeText() + " (got " + describe(raw) + ")");
            }
        }
        return value;
    }

    /** "between 1 and 600", "at least 0", ... for messages and the docs. */
    public String rangeText() {
        if (!Double.isNaN(min) && !Double.isNaN(max)) {
            return "between " + number(min) + " and " + number(max);
        }
        return Double.isNaN(min) ? "at most " + number(max) : "at least " + number(min);
    }

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String article(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    static String describe(Object raw) {
        if (raw == null) {
            return "nil";
        }
        if (raw instanceof String s) {
            return "string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        if (raw instanceof byte[] b) {
            return "blob of " + b.length + " bytes";
        }
        return raw.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + raw;
    }
}
