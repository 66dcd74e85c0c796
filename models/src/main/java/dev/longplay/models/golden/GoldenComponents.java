package dev.longplay.models.golden;

import dev.longplay.models.autoencoder.VaeDecodeGolden;
import dev.longplay.models.autoencoder.VaeEncodeGolden;
import dev.longplay.models.clap.ClapAudioGolden;
import dev.longplay.models.clap.ClapMelGolden;
import dev.longplay.models.clap.ClapTextGolden;
import dev.longplay.models.conditioning.NumberConditionerGolden;
import dev.longplay.models.conditioning.T5EncoderGolden;
import dev.longplay.models.pipeline.GoldenSampling;
import dev.longplay.models.sa3.dit.Sa3DitForwardGolden;
import dev.longplay.models.sa3.lora.Sa3LoraGolden;
import dev.longplay.models.sa3.sampling.Sa3SampleGolden;
import dev.longplay.models.sa3.text.T5GemmaGolden;
import dev.longplay.models.sa3.same.SameGolden;
import dev.longplay.models.transformer.DitForwardGolden;

import java.util.List;

/** The golden components Longplay implements; each lives beside the code it checks. */
public final class GoldenComponents {

    private GoldenComponents() {
    }

    public static List<GoldenComponent> all() {
        return List.of(
                new VaeDecodeGolden(),
                new VaeEncodeGolden(),
                new NumberConditionerGolden(),
                new T5EncoderGolden(),
                new ClapTextGolden(),
                new ClapAudioGolden(),
                new ClapMelGolden(),
                new DitForwardGolden(),
                new Sa3DitForwardGolden(),
                new Sa3SampleGolden(),
                new Sa3LoraGolden(),
                new T5GemmaGolden(),
                GoldenSampling.sample(),
                GoldenSampling.styleTransfer(),
                SameGolden.decode(),
                SameGolden.encode()
        );
    }
}
