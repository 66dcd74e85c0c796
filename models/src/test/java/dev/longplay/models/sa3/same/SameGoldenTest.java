package dev.longplay.models.sa3.same;

import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.golden.GoldenResult;
import dev.longplay.models.golden.GoldenRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SAME autoencoder golden cases (sa3_same_* under the project's golden folder, made by
 * tools/golden/make_sa3_same_cases.py from the stable-audio-3 reference): SAME-S-shaped (chunks + midpoint
 * shift, DyT, differential attention, sinusoidal FF) and SAME-L-shaped (sliding window, RMSNorm, k=3
 * mappings) encode and decode, and a chunked decode over three tiles.
 */
class SameGoldenTest {

    @TestFactory
    List<DynamicTest> sameCases() {
        GoldenRunner runner = GoldenRunner.standard();
        Path own = GoldenDirs.projectDir().resolve("models/src/test/resources/golden");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : GoldenRunner.caseDirs(own)) {
            if (!dir.getFileName().toString().startsWith("sa3_same_")) {
                continue;
            }
            GoldenCase gc = GoldenCase.open(dir);
            tests.add(DynamicTest.dynamicTest(gc.name() + " [" + gc.component() + "]", () -> {
                assertTrue(runner.supports(gc.component()), "no golden component " + gc.component());
                GoldenResult r = runner.run(gc);
                assertTrue(r.passed(), r.line() + " " + r.message());
            }));
        }
        assertEquals(6, tests.size(), "sa3_same_* golden cases under " + own);
        return tests;
    }
}
