package dev.longplay.models.clap;

import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.golden.GoldenResult;
import dev.longplay.models.golden.GoldenRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLAP golden cases (clap_* under the project's golden folder, made by tools/golden/make_clap_cases.py from
 * Hugging Face's ClapModel with the reference conditioner's logic): tokenizer ids, text features, embeddings,
 * conditioner tokens, within each case's tolerance.
 */
class ClapGoldenTest {

    @TestFactory
    List<DynamicTest> clapCases() {
        GoldenRunner runner = GoldenRunner.standard();
        Path own = GoldenDirs.projectDir().resolve("models/src/test/resources/golden");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : GoldenRunner.caseDirs(own)) {
            if (!dir.getFileName().toString().startsWith("clap_")) {
                continue;
            }
            GoldenCase gc = GoldenCase.open(dir);
            tests.add(DynamicTest.dynamicTest(gc.name() + " [" + gc.component() + "]", () -> {
                assertTrue(runner.supports(gc.component()), "no golden component " + gc.component());
                GoldenResult r = runner.run(gc);
                assertTrue(r.passed(), r.line() + " " + r.message());
            }));
        }
        assertFalse(tests.isEmpty(), "no clap_* golden cases under " + own);
        return tests;
    }
}
