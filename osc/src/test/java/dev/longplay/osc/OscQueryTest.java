package dev.longplay.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OscQueryTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void namespaceIsValidOscQueryJson() throws Exception {
        JsonNode root = json.readTree(OscQuery.namespaceJson());
        assertEquals("/", root.get("FULL_PATH").asText());
        JsonNode text = root.at("/CONTENTS/gen/CONTENTS/text");
        assertEquals("/gen/text", text.get("FULL_PATH").asText());
        assertEquals("isf", text.get("TYPE").asText());
        assertEquals(2, text.get("ACCESS").asInt());
        assertEquals(0.1, text.at("/RANGE/2/MIN").asDouble());
        assertEquals(600, text.at("/RANGE/2/MAX").asDouble());
        assertTrue(text.get("DESCRIPTION").asText().contains("/gen/text reqId prompt seconds"));
        assertEquals("sisi", root.at("/CONTENTS/clip/CONTENTS/load_sc/TYPE").asText());
        assertFalse(root.at("/CONTENTS/status").isMissingNode());
        int commands = 0;
        for (OscAddressDef d : OscAddressSpace.commands()) {
            JsonNode n = root;
            for (String part : d.address().substring(1).split("/")) {
                n = n.at("/CONTENTS/" + part);
            }
            assertEquals(d.address(), n.get("FULL_PATH").asText());
            commands++;
        }
        assertEquals(OscAddressSpace.commands().size(), commands);
    }

    @Test
    void hostInfo() throws Exception {
        JsonNode info = json.readTree(OscQuery.hostInfoJson("Longplay \"test\"", 57300, "UDP"));
        assertEquals("Longplay \"test\"", info.get("NAME").asText());
        assertEquals(57300, info.get("OSC_PORT").asInt());
        assertTrue(info.at("/EXTENSIONS/ACCESS").asBoolean());
    }
}
