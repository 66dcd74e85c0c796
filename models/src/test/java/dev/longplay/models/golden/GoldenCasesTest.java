package dev.longplay.models.golden;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every golden case against the reference's outputs, within the case's tolerance: the project's own cases (made by
 * tools/golden/; every one of those must run) and, where LONGPLAY_GOLDEN_DIR names one, an extra set made the same
 * way (a case of a component Longplay has not implemented is skipped there).
 */
class GoldenCasesTest {

    @TestFactory
    List<DynamicTest> goldenCases() {
        GoldenRunner runner = GoldenRunner.standard();
        List<DynamicTest> tests = new ArrayList<>();
        Path own = GoldenDirs.own();
        for (Path dir : GoldenDirs.all()) {
            if (!Files.isDirectory(dir)) {
                fail("golden folder " + dir + " does not exist" + (dir.equals(own) ? ""
                        : " (LONGPLAY_GOLDEN_DIR names it; unset it to run the project's own cases alone)"));
            }
            boolean ours = dir.equals(own);
            for (Path caseDir : GoldenRunner.caseDirs(dir)) {
                GoldenCase gc = GoldenCase.open(caseDir);
                tests.add(DynamicTest.dynamicTest(gc.name() + " [" + gc.component() + "]", () -> {
                    if (ours) {
                        assertTrue(runner.supports(gc.component()), "no golden component " + gc.component());
                    }
                    Assumptions.assumeTrue(runner.supports(gc.component()), "component not implemented yet");
                    GoldenResult r = runner.run(gc);
                    assertTrue(r.passed(), r.line() + " " + r.message());
                }));
            }
        }
        return tests;
    }
}
