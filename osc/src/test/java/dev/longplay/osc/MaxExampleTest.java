package dev.longplay.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Max is not available on Linux, so examples/max/longplay.maxpat is checked as data: a well-formed
 * patcher whose patch cords join existing inlets and outlets, with [udpsend]/[udpreceive] on the documented
 * ports, and whose OSC message boxes are commands the server accepts, read the way udpsend reads them.
 */
class MaxExampleTest {
    private static final Pattern ATOM = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)");

    @Test
    void thePatchIsWellFormedAndItsMessagesAreValidCommands() throws Exception {
        String root = System.getenv("LONGPLAY_PROJECT_DIR");
        Path file = (root != null ? Path.of(root) : Path.of("..")).resolve("examples/max/longplay.maxpat");
        JsonNode patcher = new ObjectMapper().readTree(file.toFile()).get("patcher");
        Map<String, JsonNode> boxes = new HashMap<>();
        for (JsonNode b : patcher.get("boxes")) {
            boxes.put(b.get("box").get("id").asText(), b.get("box"));
        }
        for (JsonNode l : patcher.get("lines")) {
            JsonNode src = l.get("patchline").get("source");
            JsonNode dst = l.get("patchline").get("destination");
            JsonNode from = boxes.get(src.get(0).asText());
            JsonNode to = boxes.get(dst.get(0).asText());
            assertNotNull(from, src.toString());
            assertNotNull(to, dst.toString());
            assertTrue(src.get(1).asInt() < from.get("numoutlets").asInt(), l.toString());
            assertTrue(dst.get(1).asInt() < to.get("numinlets").asInt(), l.toString());
        }
        List<String> objects = boxes.values().stream().filter(b -> b.get("maxclass").asText().equals("newobj"))
                .map(b -> b.get("text").asText()).toList();
        assertTrue(objects.contains("udpsend 127.0.0.1 " + OscServerConfig.DEFAULT_PORT), objects.toString());
        assertTrue(objects.contains("udpreceive 57301"), objects.toString());

        int commands = 0;
        for (JsonNode b : boxes.values()) {
            if (b.get("maxclass").asText().equals("message") && b.get("text").asText().startsWith("/")) {
                List<Object> atoms = maxAtoms(b.get("text").asText());
                String address = (String) atoms.remove(0);
                assertDoesNotThrow(() -> OscAddressSpace.check(address, atoms), b.get("text").asText());
                commands++;
            }
        }
        assertEquals(5, commands);
    }

    /** Max atoms as udpsend sends them: integers as 'i', decimals as 'f', the rest as strings. */
    private static List<Object> maxAtoms(String text) {
        List<Object> atoms = new ArrayList<>();
        Matcher m = ATOM.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                atoms.add(m.group(1).replace("\\\"", "\""));
            } else if (m.group(2).matches("-?\\d+")) {
                atoms.add(Integer.parseInt(m.group(2)));
            } else if (m.group(2).matches("-?\\d*\\.\\d+")) {
                atoms.add(Float.parseFloat(m.group(2)));
            } else {
                atoms.add(m.group(2));
            }
        }
        return atoms;
    }
}
