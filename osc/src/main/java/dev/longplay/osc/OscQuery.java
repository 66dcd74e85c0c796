package dev.longplay.osc;

import java.util.Map;
import java.util.TreeMap;

/**
 * The namespace as OSCQuery JSON (https://github.com/Vidvox/OSCQueryProposal), built from
 * {@link OscAddressSpace} for the HTTP server to serve: {@link #namespaceJson()} at {@code /} and
 * {@link #hostInfoJson} for {@code /?HOST_INFO}. Commands are write-only methods (ACCESS 2); TYPE lists
 * all positional arguments, optional ones included, and DESCRIPTION says which are optional.
 */
public final class OscQuery {
    private OscQuery() {
    }

    public static String namespaceJson() {
        Node root = new Node("/");
        for (OscAddressDef def : OscAddressSpace.commands()) {
            Node n = root;
            StringBuilder path = new StringBuilder();
            for (String part : def.address().substring(1).split("/")) {
                path.append('/').append(part);
                String full = path.toString();
                n = n.children.computeIfAbsent(part, p -> new Node(full));
            }
            n.def = def;
        }
        StringBuilder json = new StringBuilder();
        root.write(json);
        return json.toString();
    }

    /** HOST_INFO for a transport listening on {@code port}; {@code transport} is "UDP" or "TCP". */
    public static String hostInfoJson(String name, int port, String transport) {
        return "{\"NAME\":" + string(name) + ",\"OSC_PORT\":" + port + ",\"OSC_TRANSPORT\":" + string(transport)
                + ",\"EXTENSIONS\":{\"ACCESS\":true,\"DESCRIPTION\":true,\"RANGE\":true,\"TYPE\":true,"
                + "\"VALUE\":false,\"LISTEN\":false}}";
    }

    private static final class Node {
        final String fullPath;
        final Map<String, Node> children = new TreeMap<>();
        OscAddressDef def;

        Node(String fullPath) {
            this.fullPath = fullPath;
        }

        void write(StringBuilder json) {
            json.append("{\"FULL_PATH\":").append(string(fullPath));
            if (def != null) {
                StringBuilder description = new StringBuilder(def.summary()).append(" Usage: ").append(def.signature());
                json.append(",\"ACCESS\":2,\"TYPE\":").append(string(def.typeTags().replace("[", "").replace("]", "")))
                        .append(",\"DESCRIPTION\":").append(string(description.toString()))
                        .append(",\"RANGE\":[");
                for (int i = 0; i < def.args().size(); i++) {
                    OscArgSpec a = def.args().get(i);
                    json.append(i == 0 ? "" : ",").append('{');
                    if (!Double.isNaN(a.min())) {
                        json.append("\"MIN\":").append(OscArgSpec.number(a.min()));
                    }
                    if (!Double.isNaN(a.max())) {
                        json.append(Double.isNaN(a.min()) ? "" : ",").append("\"MAX\":").append(OscArgSpec.number(a.max()));
                    }
                    json.append('}');
                }
                json.append(']');
            }
            if (!children.isEmpty()) {
                json.append(",\"CONTENTS\":{");
                boolean first = true;
                for (Map.Entry<String, Node> e : children.entrySet()) {
                    json.append(first ? "" : ",").append(string(e.getKey())).append(':');
                    e.getValue().write(json);
                    first = false;
                }
                json.append('}');
            }
            json.append('}');
        }
    }

    private static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
