package dev.longplay.server.http;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error messages in the API's words: Java type names (as JSON parsing and the JDK put them in messages) become the
 * JSON type a client knows, so no answer shows the server's classes. Only names under the usual package roots are
 * touched, so a client's own values quoted in a message (a preset called "lofi.Chill") stay as they were.
 */
final class PlainWords {

    /** A qualified Java name ({@code java.lang.Integer}, {@code dev.longplay.server.requests.JobSpec$Lora}), maybe in backticks. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "`?\\b(?:java|javax|jdk|sun|com|org|dev|io|net)\\.(?:[a-z][a-z0-9_]*\\.)*([A-Z][A-Za-z0-9_$]*)(\\[])?`?");
    private static final Pattern TOKEN = Pattern.compile("\\s*\\(token `[^`]*`\\)");
    private static final Pattern SIMPLE = Pattern.compile("`([A-Za-z][A-Za-z0-9_$]*)(\\[])?`");
    private static final Map<String, String> JSON_TYPES = Map.ofEntries(
            Map.entry("Integer", "integer"), Map.entry("Long", "integer"), Map.entry("Short", "integer"), Map.entry("Byte", "integer"),
            Map.entry("int", "integer"), Map.entry("long", "integer"), Map.entry("short", "integer"), Map.entry("BigInteger", "integer"),
            Map.entry("Double", "number"), Map.entry("Float", "number"), Map.entry("double", "number"), Map.entry("float", "number"),
            Map.entry("BigDecimal", "number"), Map.entry("Number", "number"),
            Map.entry("String", "string"), Map.entry("Character", "string"), Map.entry("char", "string"),
            Map.entry("Boolean", "boolean"), Map.entry("boolean", "boolean"),
            Map.entry("List", "array"), Map.entry("ArrayList", "array"), Map.entry("Collection", "array"), Map.entry("Set", "array"),
            Map.entry("Map", "object"), Map.entry("LinkedHashMap", "object"), Map.entry("HashMap", "object"), Map.entry("Object", "value"));

    private PlainWords() {
    }

    static String of(String message) {
        if (message == null) {
            return null;
        }
        String out = TOKEN.matcher(message).replaceAll(""); // "(token `JsonToken.START_ARRAY`)" repeats what precedes it
        out = replace(QUALIFIED.matcher(out));
        return replace(SIMPLE.matcher(out)).replace("`", "");
    }

    private static String replace(Matcher m) {
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String simple = m.group(1);
            int dollar = simple.lastIndexOf('$');
            String word = m.group(2) != null ? "array" : JSON_TYPES.getOrDefault(dollar >= 0 ? simple.substring(dollar + 1) : simple, "object");
            m.appendReplacement(sb, Matcher.quoteReplacement(word));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
