package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --device} and {@code --precision} on the commands that run a model: clear refusals, and fp16 end to end. */
class ComputeOptionsTest {

    @TempDir
    Path dir;

    @Test
    void aGpuThatIsNotThereIsRefusedByName() {
        for (String command : new String[]{"generate", "bench", "golden-check"}) {
            String[] args = command.equals("golden-check")
                    ? new String[]{command, dir.toString(), "--device", "cuda"}
                    : new String[]{command, "--device", "cuda", "--prompt", "x", "-o", dir.resolve("x.wav").toString()};
            if (command.equals("bench")) {
                args = new String[]{command, "--device", "cuda"};
            }
            ScoreCommandTest.Run r = ScoreCommandTest.run(args);
            assertEquals(2, r.code(), command + ": " + r.err());
            assertTrue(r.err().contains("--device cuda") && r.err().contains("no CUDA GPU"), command + ": " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("x.wav")));
    }

    @Test
    void badValuesAndBf16WithoutItsJniAreRefused() {
        ScoreCommandTest.Run device = ScoreCommandTest.run("bench", "--device", "metal");
        assertEquals(2, device.code());
        assertTrue(device.err().contains("--device must be auto, cpu, cuda or cuda:N"), device.err());
        ScoreCommandTest.Run precision = ScoreCommandTest.run("bench", "--precision", "int4");
        assertEquals(2, precision.code());
        assertTrue(precision.err().contains("--precision must be fp32, bf16, fp16 or int8"), precision.err());
        ScoreCommandTest.Run int8OnGpu = ScoreCommandTest.run("bench", "--device", "cuda", "--precision", "int8");
        assertEquals(2, int8OnGpu.code());
        ScoreCommandTest.Run bf16 = ScoreCommandTest.run("bench", "--device", "cpu", "--precision", "bf16");
        assertEquals(2, bf16.code());
        assertTrue(bf16.err().contains("tools/gpu/run.sh"), bf16.err());
    }

    @Test
    void generateRunsInFp16AndRecordsNothingWrong() throws Exception {
        Path out = dir.resolve("half.wav");
        ScoreCommandTest.Run r = ScoreCommandTest.run("generate", "--prompt", "a soft pad", "--seconds", "1", "--steps",
                "2", "--seed", "3", "--quiet", "--device", "cpu", "--precision", "fp16", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out) > 44);
        JsonNode meta = Json.MAPPER.readTree(dir.resolve("half.json").toFile());
        assertEquals(3, meta.get("seed").asLong());
    }
}
