package dev.longplay.osc;

import com.illposed.osc.argument.OSCSymbol;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OscAddressSpaceTest {
    private static OscCommandException fails(String address, Object... args) {
        return assertThrows(OscCommandException.class, () -> OscAddressSpace.check(address, List.of(args)));
    }

    @Test
    void acceptsAGenTextWithOptionsAndConvertsPdFloats() {
        // Pd sends every number as a float, symbols as strings.
        OscAddressSpace.Checked c = OscAddressSpace.check("/gen/text",
                List.of(7f, "warm pad", 8f, "seed", 42f, "cfg", 7, "sampler", new OSCSymbol("dpmpp-3m-sde")));
        assertEquals(List.of(7, "warm pad", 8.0), c.args());
        assertEquals(42, c.options().integer("seed").getAsInt());
        assertEquals(7.0, c.options().number("cfg").getAsDouble());
        assertEquals("dpmpp-3m-sde", c.options().string("sampler").orElseThrow());
        assertFalse(c.options().has("steps"));
    }

    @Test
    void badArgumentsFailWithClearMessages() {
        OscCommandException e = fails("/gen/text", 1, "pad");
        assertEquals(OscErrorCode.E_BAD_ARG, e.code());
        assertEquals("/gen/text: missing argument 3 'seconds' (usage: /gen/text reqId prompt seconds [key value ...])",
                e.getMessage());
        assertEquals("/gen/text: argument 3 'seconds' must be a number (got string \"long\")",
                fails("/gen/text", 1, "pad", "long").getMessage());
        assertEquals("/gen/text: argument 3 'seconds' must be between 0.1 and 600 (got integer 900)",
                fails("/gen/text", 1, "pad", 900).getMessage());
        assertEquals("/gen/text: argument 1 'reqId' must be an integer (got float 1.5)",
                fails("/gen/text", 1.5f, "pad", 4).getMessage());
        assertEquals("/gen/loop: argument 4 'bars' must be between 1 and 64 (got integer 0)",
                fails("/gen/loop", 1, "drums", 120, 0).getMessage());
    }

    @Test
    void optionsAreCheckedToo() {
        assertTrue(fails("/gen/text", 1, "pad", 4, "colour", "red").getMessage()
                .startsWith("/gen/text: unknown option string \"colour\"; known: seed, steps"));
        assertEquals("/gen/text: options come in key value pairs; 'seed' has no value",
                fails("/gen/text", 1, "pad", 4, "seed").getMessage());
        assertEquals("/gen/text: option 'steps' must be between 1 and 1000 (got integer 0)",
                fails("/gen/text", 1, "pad", 4, "steps", 0).getMessage());
        assertEquals("/gen/text: option 'seed' given twice",
                fails("/gen/text", 1, "pad", 4, "seed", 1, "seed", 2).getMessage());
        assertEquals("/status: takes at most 0 arguments (got 1)", fails("/status", 1).getMessage());
        assertEquals(OscErrorCode.E_BAD_ARG, fails("/gen/text", 1, "pad", 4, "strength", 0.5).code());
        assertEquals(0.5, OscAddressSpace.check("/gen/a2a", List.of(1, "/x.wav", "pad", 4, "strength", 0.5f))
                .options().number("strength").getAsDouble());
    }

    @Test
    void unknownAddressIsNotFound() {
        OscCommandException e = fails("/gen/bogus", 1);
        assertEquals(OscErrorCode.E_NOT_FOUND, e.code());
        assertEquals("unknown address /gen/bogus", e.getMessage());
    }

    @Test
    void optionalArgumentsAndNumbersAsStrings() {
        OscAddressSpace.Checked c = OscAddressSpace.check("/clip/load_sc", List.of(42, 3));
        assertEquals(List.of("42", 3), c.args());
        OscRequest r = new OscRequest(c.def(), c.args(), c.options(), null, "udp", java.util.Optional.empty());
        assertEquals("42", r.string("clipId"));
        assertTrue(r.arg("host").isEmpty());
        assertTrue(r.requestId().isEmpty());
        assertEquals(4, OscAddressSpace.check("/clip/load_sc", List.of("c1", 3, "127.0.0.1", 57110)).args().size());
    }

    @Test
    void theNamespaceIsComplete() {
        Set<String> addresses = new HashSet<>();
        for (OscAddressDef d : OscAddressSpace.all()) {
            assertTrue(addresses.add(d.address()), "duplicate " + d.address());
            if (d.kind() == OscAddressDef.Kind.COMMAND) {
                assertFalse(d.replies().isEmpty(), d.address() + " has no reply form");
                assertTrue(d.address().equals("/auth") || d.errors().contains(OscErrorCode.E_AUTH), d.address());
            }
        }
        for (String a : List.of("/notify", "/status", "/sync", "/version", "/gen/text", "/gen/a2a", "/gen/inpaint",
                "/gen/continue", "/gen/loop", "/gen/sfx", "/gen/preset", "/gen/cancel", "/clip/info", "/clip/list",
                "/clip/free", "/clip/load_sc", "/preset/list", "/done", "/fail", "/status.reply", "/synced",
                "/version.reply", "/gen/progress", "/b_allocRead")) {
            assertTrue(addresses.contains(a), a);
        }
    }
}
