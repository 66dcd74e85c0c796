package dev.longplay.models.golden;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.nn.ComputeTarget;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden cases of the components that compute in reduced precision in production (DiT, autoencoder, the
 * samplers over them) in fp16 (and bf16 where the JNI has it) on the CPU, against the reference's float32 outputs within the floors of
 * {@link GoldenTolerance}. Each must also differ from the float32 run: a case that comes out bit-identical would
 * mean the precision never reached the layers.
 */
class ReducedPrecisionGoldenTest {

    @TestFactory
    List<DynamicTest> reducedPrecisionCases() {
        GoldenRunner fp32 = GoldenRunner.standard();
        List<DynamicTest> tests = new ArrayList<>();
        // bf16 only where the JNI maps it (tools/gpu/run.sh's build): DJL's prebuilt one aborts the JVM
        List<DataType> precisions = ComputeTarget.bfloat16Supported()
                ? List.of(DataType.BFLOAT16, DataType.FLOAT16) : List.of(DataType.FLOAT16);
        for (DataType precision : precisions) {
            GoldenRunner reduced = GoldenRunner.standard(new ComputeTarget(Device.cpu(), precision));
            for (Path dir : GoldenDirs.all()) {
                for (Path caseDir : GoldenRunner.caseDirs(dir)) {
                    GoldenCase gc = GoldenCase.open(caseDir);
                    GoldenComponent component = GoldenComponents.all().stream()
                            .filter(c -> c.component().equals(gc.component())).findFirst().orElse(null);
                    if (component == null || !component.followsPrecision()) {
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(gc.name() + " [" + precision + "]", () -> {
                        GoldenResult r = reduced.run(gc);
                        System.out.println(precision + " " + r.line());
                        assertTrue(r.passed(), r.line() + " " + r.message());
                        GoldenResult exact = fp32.run(gc);
                        assertTrue(r.maxAbsError() > exact.maxAbsError(), "the " + precision + " run is as exact as "
                                + "float32 (" + r.maxAbsError() + " vs " + exact.maxAbsError()
                                + "): reduced precision did not reach the layers");
                    }));
                }
            }
        }
        return tests;
    }
}
