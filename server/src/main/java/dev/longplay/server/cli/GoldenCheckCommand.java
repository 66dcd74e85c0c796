package dev.longplay.server.cli;

import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenResult;
import dev.longplay.models.golden.GoldenRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code longplay golden-check DIR}: runs every golden case in DIR against the reference's outputs. */
@Command(name = "golden-check", mixinStandardHelpOptions = true,
        description = "Run every golden case in DIR and compare with the reference within each case's tolerance.")
final class GoldenCheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "a folder of golden cases (format: models/src/test/resources/golden/README.md)")
    Path dir;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    @Override
    public Integer call() {
        dev.longplay.models.nn.ComputeTarget target = compute.target();
        if (!Files.isDirectory(dir)) {
            System.err.println("golden-check: not a folder: " + dir);
            return 2;
        }
        List<Path> cases = GoldenRunner.caseDirs(dir);
        if (cases.isEmpty()) {
            System.err.println("golden-check: no golden cases (folders with case.json) in " + dir);
            return 2;
        }
        System.out.println("golden-check on " + target.describe() + (target.isGpu() || target.isReduced()
                ? " (tolerance floors for this target: docs/gpu.md)" : ""));
        GoldenRunner runner = GoldenRunner.standard(target);
        int passed = 0;
        int failed = 0;
        for (Path caseDir : cases) {
            GoldenResult r = runner.run(GoldenCase.open(caseDir));
            System.out.println(r.line());
            if (r.passed()) {
                passed++;
            } else {
                failed++;
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
