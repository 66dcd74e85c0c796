package dev.longplay.osc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The {@code [key value ...]} pairs that follow a command's positional arguments, checked and typed. */
public record OscOptions(Map<String, Object> values) {
    public static final OscOptions NONE = new OscOptions(Map.of());

    public OscOptions {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Reads {@code key value} pairs from {@code raw}, starting at {@code from}.
     *
     * @throws OscCommandException E_BAD_ARG on an odd count, an unknown or repeated key, or a bad value
     */
    public static OscOptions parse(String command, List<Object> raw, int from, List<OscArgSpec> allowed) {
        if (from >= raw.size()) {
            return NONE;
        }
        if (allowed.isEmpty()) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG,
                    command + ": takes at most " + from + " arguments (got " + raw.size() + ")");
        }
        if ((raw.size() - from) % 2 != 0) {
            throw new OscCommandException(OscErrorCode.E_BAD_ARG,
                    command + ": options come in key value pairs; '" + raw.get(raw.size() - 1) + "' has no value");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = from; i < raw.size(); i += 2) {
            Object key = OscArgType.STRING.coerce(raw.get(i));
            OscArgSpec spec = key == null ? null : find(allowed, (String) key);
            if (spec == null) {
                throw new OscCommandException(OscErrorCode.E_BAD_ARG, command + ": unknown option "
                        + OscArgSpec.describe(raw.get(i)) + "; known: " + names(allowed));
            }
            if (values.containsKey(spec.name())) {
                throw new OscCommandException(OscErrorCode.E_BAD_ARG, command + ": option '" + spec.name() + "' given twice");
            }
            values.put(spec.name(), spec.check(command + ": option '" + spec.name() + "'", raw.get(i + 1)));
        }
        return new OscOptions(values);
    }

    private static OscArgSpec find(List<OscArgSpec> allowed, String key) {
        return allowed.stream().filter(a -> a.name().equals(key)).findFirst().orElse(null);
    }

    private static String names(List<OscArgSpec> allowed) {
        return String.join(", ", allowed.stream().map(OscArgSpec::name).toList());
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<String> string(String key) {
        return Optional.ofNullable((String) values.get(key));
    }

    public OptionalInt integer(String key) {
        Object v = values.get(key);
        return v == null ? OptionalInt.empty() : OptionalInt.of((Integer) v);
    }

    public OptionalDouble number(String key) {
        Object v = values.get(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of((Double) v);
    }
}
