package dev.longplay.models.golden;


import java.util.List;

/** The golden components Longplay implements; each lives beside the code it checks. */
public final class GoldenComponents {

    private GoldenComponents() {
    }

    public static List<GoldenComponent> all() {
        return List.of(
                new VaeDecodeGolden(),
                new VaeEncodeGolden(),
                ValueConditionerGolden.number(),
                ValueConditionerGolden.integer(),
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
