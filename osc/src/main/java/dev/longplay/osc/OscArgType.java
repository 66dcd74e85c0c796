package dev.longplay.osc;

import com.illposed.osc.argument.OSCSymbol;

import java.nio.ByteBuffer;

/**
 * The semantic type of an argument. Pure Data sends every number as a float and Max may send ints where
 * floats are meant, so numbers are coerced between OSC types as long as no information is lost.
 */
public enum OscArgType {
    INT('i', "integer"),
    FLOAT('f', "number"),
    STRING('s', "string"),
    BLOB('b', "blob");

    private final char tag;
    private final String noun;

    OscArgType(char tag, String noun) {
        this.tag = tag;
        this.noun = noun;
    }

    /** The OSC type tag this argument is sent with (and documented as). */
    public char tag() {
        return tag;
    }

    public String noun() {
        return noun;
    }

    /**
     * The value as this type's Java class (Integer, Double, String, byte[]), or null when it cannot be
     * converted without loss.
     */
    public Object coerce(Object raw) {
        return switch (this) {
            case INT -> toInt(raw);
            case FLOAT -> raw instanceof Number n ? (Object) n.doubleValue() : null;
            case STRING -> toText(raw);
            case BLOB -> raw instanceof byte[] ? raw : raw instanceof ByteBuffer b ? bytes(b) : null;
        };
    }

    private static Integer toInt(Object raw) {
        if (raw instanceof Integer i) {
            return i;
        }
        if (raw instanceof Long l) {
            return l == l.intValue() ? l.intValue() : null;
        }
        if (raw instanceof Float || raw instanceof Double) {
            double d = ((Number) raw).doubleValue();
            return d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE ? (int) d : null;
        }
        return null;
    }

    /** Strings accept symbols, and numbers as text, because Pd and Max send numeric-looking ids as numbers. */
    private static String toText(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof OSCSymbol sym) {
            return sym.toString();
        }
        Integer asInt = raw instanceof Number ? toInt(raw) : null;
        if (asInt != null) {
            return Integer.toString(asInt);
        }
        return raw instanceof Number n ? n.toString() : null;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
