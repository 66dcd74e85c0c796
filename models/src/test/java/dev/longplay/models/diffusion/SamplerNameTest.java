package dev.longplay.models.diffusion;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One registry of sampler names for every model family; "euler" means the Euler sampler of the model's kind. */
class SamplerNameTest {

    @Test
    void eachKindListsItsCanonicalNamesAndEachNameMakesItsSampler() {
        assertEquals(List.of("dpmpp-3m-sde", "dpmpp-2m", "k-euler"), SamplerName.names(false));
        assertEquals(List.of("pingpong", "rf-euler"), SamplerName.names(true));
        for (boolean rf : new boolean[]{false, true}) {
            for (String name : SamplerName.names(rf)) {
                SamplerName s = SamplerName.resolve(name, rf);
                assertEquals(name, s.canonical());
                assertEquals(rf, Sampler.forName(name, rf).rectifiedFlow(), name);
                assertEquals(rf, Sampler.forName(name).rectifiedFlow(), name + " without a model");
            }
        }
        assertInstanceOf(DpmSolver3MSde.class, Sampler.forName("dpmpp-3m-sde", false));
        assertInstanceOf(DpmSolver2M.class, Sampler.forName("dpmpp-2m", false));
        assertInstanceOf(EulerSampler.class, Sampler.forName("k-euler", false));
        assertInstanceOf(PingPongSampler.class, Sampler.forName("pingpong", true));
        assertInstanceOf(RfEulerSampler.class, Sampler.forName("rf-euler", true));
    }

    @Test
    void eulerIsTheEulerSamplerOfTheModelsKind() {
        assertEquals(SamplerName.K_EULER, SamplerName.resolve("euler", false), "v-objective (SAO 1.0): k-diffusion Euler");
        assertEquals(SamplerName.RF_EULER, SamplerName.resolve("euler", true), "rectified flow (SA3): flow Euler");
        assertInstanceOf(EulerSampler.class, Sampler.forName("euler", false));
        assertInstanceOf(RfEulerSampler.class, Sampler.forName("euler", true));
        assertInstanceOf(EulerSampler.class, Sampler.forName("euler"), "without a model, the k-diffusion reading");
    }

    @Test
    void anUnknownNameIsRefusedListingWhatTheModelTakes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampler.forName("ddim", true));
        assertTrue(e.getMessage().contains("unknown sampler 'ddim'") && e.getMessage().contains("pingpong, rf-euler"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampler.forName("Euler", false));
        assertTrue(e.getMessage().contains("unknown sampler 'Euler'") && e.getMessage().contains("k-euler"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sampler.forName("ddim"));
    }

    @Test
    void aSamplerOfTheOtherKindIsRefusedNamingTheOnesThatFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampler.forName("k-euler", true));
        assertTrue(e.getMessage().contains("does not fit") && e.getMessage().contains("rf-euler"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampler.forName("pingpong", false));
        assertTrue(e.getMessage().contains("does not fit") && e.getMessage().contains("dpmpp-3m-sde"), e.getMessage());
    }
}
