package dev.longplay.models.sa3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.sa3.sampling.DistributionShift;
import dev.longplay.models.sa3.sampling.Sa3Schedule;
import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Schedules against the reference's build_schedule for every shift type (sa3/schedules.json, float32 there). */
class Sa3ScheduleTest {

    @Test
    void matchesTheReference() throws Exception {
        JsonNode all = ModelConfig.JSON.readTree(Files.readString(Path.of("src/test/resources/sa3/schedules.json")));
        for (JsonNode c : all.path("cases")) {
            JsonNode opt = c.path("options");
            DistributionShift shift = DistributionShift.parse(opt.isNull() ? null : opt, "test");
            double[] t = Sa3Schedule.times(c.path("steps").asInt(), c.path("sigma_max").asDouble(), shift, c.path("seq_len").asDouble());
            JsonNode ref = c.path("t");
            assertEquals(ref.size(), t.length);
            for (int i = 0; i < t.length; i++) {
                assertEquals(ref.get(i).asDouble(), t[i], 2e-6, c + " at " + i);
            }
        }
    }

    @Test
    void unknownShiftTypeIsNamed() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> DistributionShift.parse(ModelConfig.JSON.createObjectNode().put("type", "cosine"), "cfg.json"));
        assertEquals(true, e.getMessage().contains("cosine") && e.getMessage().contains("cfg.json"));
    }
}
