package dev.longplay.models.clap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.longplay.models.nn.LayerNorm;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * CLAP's HTSAT audio branch (unfused), as Hugging Face's ClapAudioModel computes it: batch norm over the mel
 * bins, bicubic resize of the time axis to spec_size·r (r = spec_size / mel bins), the spectrogram folded into a
 * square image (r slices of time stacked along frequency), square patches, Swin stages (windowed self-attention
 * with a learned relative-position bias, every second block on windows shifted by half a window, then patch
 * merging), a final LayerNorm and the mean over all patches; then the projection Linear-ReLU-Linear.
 */
public final class ClapAudioEncoder implements AutoCloseable {

    private static final float TORCH_LAYER_NORM_EPS = 1e-5f;   // nn.LayerNorm's default, where HF passes no eps

    private final ClapAudioConfig config;
    private final NDManager weights;
    private final NDArray bnScale;      // [melBins]: batch norm folded to x·scale + shift
    private final NDArray bnShift;
    private final Linear patch;         // [C, p·p]
    private final LayerNorm patchNorm;
    private final List<Stage> stages;
    private final LayerNorm finalNorm;
    private final Linear projection1;
    private final Linear projection2;

    private record Block(LayerNorm before, Linear qkv, Linear out, NDArray relativeBias, LayerNorm after, Linear up,
                         Linear down) {
    }

    private record Stage(List<Block> blocks, LayerNorm mergeNorm, Linear mergeReduction) {
    }

    private ClapAudioEncoder(ClapAudioConfig config, NDManager weights, NDArray bnScale, NDArray bnShift, Linear patch,
                             LayerNorm patchNorm, List<Stage> stages, LayerNorm finalNorm, Linear projection1,
                             Linear projection2) {
        this.config = config;
        this.weights = weights;
        this.bnScale = bnScale;
        this.bnShift = bnShift;
        this.patch = patch;
        this.patchNorm = patchNorm;
        this.stages = stages;
        this.finalNorm = finalNorm;
        this.projection1 = projection1;
        this.projection2 = projection2;
    }

    /** root: the whole CLAP file (HF key names); its manager owns the weights. */
    public static ClapAudioEncoder load(StateDict root, ClapAudioConfig c) {
        StateDict enc = root.scope("audio_model.audio_encoder");
        int f = c.melBins();
        StateDict bn = enc.scope("batch_norm");
        NDArray scale = bn.take("weight", f).div(bn.take("running_var", f).add(1e-5f).sqrt());
        NDArray shift = bn.take("bias", f).sub(bn.take("running_mean", f).mul(scale));
        if (bn.has("num_batches_tracked")) {
            bn.take("num_batches_tracked").close();
        }
        int p = c.patchSize();
        NDArray convW = enc.take("patch_embed.proj.weight", c.patchDim(), 1, p, p);
        Linear patch = new Linear(convW.reshape(c.patchDim(), (long) p * p), enc.take("patch_embed.proj.bias", c.patchDim()));
        LayerNorm patchNorm = LayerNorm.loadWeightBias(enc.scope("patch_embed.norm"), c.patchDim(), TORCH_LAYER_NORM_EPS);
        int w = c.windowSize();
        NDArray index = root.manager().create(relativeIndex(w));
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s < c.depths().length; s++) {
            long d = c.dim(s);
            int heads = c.heads()[s];
            if (d % heads != 0) {
                throw new CheckpointException("CLAP audio stage " + s + " width " + d + " is not a multiple of its "
                        + heads + " heads");
            }
            List<Block> blocks = new ArrayList<>();
            for (int b = 0; b < c.depths()[s]; b++) {
                StateDict l = enc.scope("layers." + s + ".blocks." + b);
                StateDict self = l.scope("attention.self");
                Linear q = Linear.load(self.scope("query"), d, d, true);
                Linear k = Linear.load(self.scope("key"), d, d, true);
                Linear v = Linear.load(self.scope("value"), d, d, true);
                Linear qkv = new Linear(q.weight().concat(k.weight(), 0).concat(v.weight(), 0),
                        q.bias().concat(k.bias(), 0).concat(v.bias(), 0));
                NDArray table = self.take("relative_position_bias_table", (long) (2 * w - 1) * (2 * w - 1), heads);
                NDArray bias = table.get(index).reshape((long) w * w, (long) w * w, heads).transpose(2, 0, 1)
                        .expandDims(0);                                                   // [1, H, L, L]
                if (self.has("relative_position_index")) {
                    self.take("relative_position_index").close();   // recomputed above
                }
                long hidden = (long) (d * c.mlpRatio());
                blocks.add(new Block(LayerNorm.loadWeightBias(l.scope("layernorm_before"), d, c.layerNormEps()), qkv,
                        Linear.load(l.scope("attention.output.dense"), d, d, true), bias,
                        LayerNorm.loadWeightBias(l.scope("layernorm_after"), d, c.layerNormEps()),
                        Linear.load(l.scope("intermediate.dense"), d, hidden, true),
                        Linear.load(l.scope("output.dense"), hidden, d, true)));
            }
            LayerNorm mergeNorm = null;
            Linear reduction = null;
            if (s < c.depths().length - 1) {
                StateDict m = enc.scope("layers." + s + ".downsample");
                mergeNorm = LayerNorm.loadWeightBias(m.scope("norm"), 4 * d, TORCH_LAYER_NORM_EPS);
                reduction = Linear.load(m.scope("reduction"), 4 * d, 2 * d, false);
            }
            stages.add(new Stage(List.copyOf(blocks), mergeNorm, reduction));
        }
        long last = c.dim(c.depths().length - 1);
        LayerNorm finalNorm = LayerNorm.loadWeightBias(enc.scope("norm"), last, TORCH_LAYER_NORM_EPS);
        StateDict proj = root.scope("audio_projection");
        Linear p1 = Linear.load(proj.scope("linear1"), last, c.projectionDim(), true);
        Linear p2 = Linear.load(proj.scope("linear2"), c.projectionDim(), c.projectionDim(), true);
        enc.requireAllUsed();
        return new ClapAudioEncoder(c, root.manager(), scale, shift, patch, patchNorm, List.copyOf(stages), finalNorm,
                p1, p2);
    }

    public ClapAudioConfig config() {
        return config;
    }

    /** Log-mel windows [B][frames][melBins] -> the pooled audio features [B, C] in {@code manager}. */
    public NDArray pooled(List<float[][]> mels, NDManager manager) {
        int b = mels.size();
        int t = mels.get(0).length;
        int f = mels.get(0)[0].length;
        int r = config.freqRatio();
        int specWidth = config.specSize() * r;
        int specHeight = config.specSize() / r;
        if (f != config.melBins() || t > specWidth || f > specHeight) {
            throw new IllegalArgumentException("mel windows of " + t + " frames x " + f + " bins do not fit the CLAP "
                    + "audio branch (" + config.melBins() + " bins, at most " + specWidth + " frames)");
        }
        float[] flat = new float[b * t * f];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                System.arraycopy(mels.get(i)[j], 0, flat, (i * t + j) * f, f);
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(flat, new Shape(b, t, f)).mul(bnScale).add(bnShift);
            if (t < specWidth) {
                x = scope.create(Bicubic.matrix(t, specWidth), new Shape(specWidth, t)).matMul(x);   // [B, W, F]
            }
            if (f < specHeight) {
                x = x.matMul(scope.create(Bicubic.matrix(f, specHeight), new Shape(specHeight, f)).transpose());
            }
            long time = x.getShape().get(1);
            long freq = x.getShape().get(2);
            // fold: r consecutive time slices stacked along frequency -> a square [B, freq·r, time/r] image
            NDArray image = x.reshape(b, r, time / r, freq).transpose(0, 1, 3, 2).reshape(b, freq * r, time / r);
            int p = config.patchSize();
            long h = image.getShape().get(1) / p;
            long w = image.getShape().get(2) / p;
            NDArray patches = image.reshape(b, h, p, w, p).transpose(0, 1, 3, 2, 4).reshape(b, h * w, (long) p * p);
            NDArray hs = patchNorm.forward(patch.forward(patches));                            // [B, h·w, C]
            for (Stage stage : stages) {
                for (int i = 0; i < stage.blocks().size(); i++) {
                    Block block = stage.blocks().get(i);
                    int shift = i % 2 == 0 ? 0 : config.windowSize() / 2;
                    long hh = h;
                    long ww = w;
                    hs = Scoped.apply(hs, in -> blockForward(block, in, hh, ww, shift));
                }
                if (stage.mergeNorm() != null) {
                    long c = hs.getShape().get(2);
                    if (h % 2 != 0 || w % 2 != 0) {
                        throw new CheckpointException("CLAP patch merging needs an even grid, got " + h + "x" + w);
                    }
                    NDArray merged = hs.reshape(b, h / 2, 2, w / 2, 2, c).transpose(0, 1, 3, 4, 2, 5)
                            .reshape(b, (h / 2) * (w / 2), 4 * c);
                    hs = stage.mergeReduction().forward(stage.mergeNorm().forward(merged));
                    h /= 2;
                    w /= 2;
                }
            }
            NDArray out = finalNorm.forward(hs).mean(new int[]{1});
            out.attach(manager);
            return out;
        }
    }

    /** normalize(projection(pooled)) -> [B, P]: the CLAP audio embedding. */
    public NDArray embedding(NDArray pooled) {
        NDArray projected = projection2.forward(Activation.relu(projection1.forward(pooled)));
        return projected.div(projected.norm(new int[]{-1}, true).maximum(1e-12f));
    }

    private NDArray blockForward(Block l, NDArray x, long h, long w, int shiftIfLarge) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(2);
        int win = config.windowSize();
        int shift = shiftIfLarge;
        if (Math.min(h, w) <= win) {
            // the reference shrinks the window to the grid and stops shifting; its bias table keeps the full window
            if (Math.min(h, w) != win) {
                throw new CheckpointException("CLAP audio grid " + h + "x" + w + " is smaller than window_size " + win);
            }
            shift = 0;
        }
        if (h % win != 0 || w % win != 0) {
            throw new CheckpointException("CLAP audio grid " + h + "x" + w + " is not a multiple of window_size " + win);
        }
        int heads = (int) l.relativeBias().getShape().get(1);
        long dh = c / heads;
        long nh = h / win;
        long nw = w / win;
        long len = (long) win * win;
        NDArray grid = l.before().forward(x).reshape(b, h, w, c);
        if (shift > 0) {
            grid = roll(roll(grid, 1, h, shift), 2, w, shift);
        }
        NDArray windows = grid.reshape(b, nh, win, nw, win, c).transpose(0, 1, 3, 2, 4, 5).reshape(b * nh * nw, len, c);
        NDArray qkv = l.qkv().forward(windows).reshape(b * nh * nw, len, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0).mul((float) (1.0 / Math.sqrt(dh)));
        NDArray scores = q.matMul(qkv.get(1).transpose(0, 1, 3, 2)).add(l.relativeBias());      // [B·nW, H, L, L]
        if (shift > 0) {
            NDArray mask = x.getManager().create(shiftMask((int) h, (int) w, win, shift), new Shape(1, nh * nw, 1, len, len));
            scores = scores.reshape(b, nh * nw, heads, len, len).add(mask).reshape(b * nh * nw, heads, len, len);
        }
        NDArray attended = scores.softmax(3).matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(b * nh * nw, len, c);
        NDArray back = l.out().forward(attended).reshape(b, nh, nw, win, win, c).transpose(0, 1, 3, 2, 4, 5)
                .reshape(b, h, w, c);
        if (shift > 0) {
            back = roll(roll(back, 1, h, -shift), 2, w, -shift);
        }
        NDArray x1 = x.add(back.reshape(b, h * w, c));
        return x1.add(l.down().forward(Activation.gelu(l.up().forward(l.after().forward(x1)))));
    }

    // out[i] = in[(i + by) mod n] along axis (torch.roll by -by)
    private static NDArray roll(NDArray x, int axis, long n, int by) {
        long s = Math.floorMod(by, n);
        String head = axis == 1 ? ":, " + s + ":" : ":, :, " + s + ":";
        String tail = axis == 1 ? ":, :" + s : ":, :, :" + s;
        return x.get(new NDIndex(head)).concat(x.get(new NDIndex(tail)), axis);
    }

    // Swin's mask for shifted windows: tokens from different regions of the rolled grid do not attend (−100)
    static float[] shiftMask(int h, int w, int win, int shift) {
        int[] region = new int[h * w];
        for (int i = 0; i < h; i++) {
            int hr = (i >= h - win ? 1 : 0) + (i >= h - shift ? 1 : 0);
            for (int j = 0; j < w; j++) {
                int wr = (j >= w - win ? 1 : 0) + (j >= w - shift ? 1 : 0);
                region[i * w + j] = hr * 3 + wr;
            }
        }
        int nh = h / win;
        int nw = w / win;
        int len = win * win;
        float[] mask = new float[nh * nw * len * len];
        int[] ids = new int[len];
        for (int wi = 0; wi < nh; wi++) {
            for (int wj = 0; wj < nw; wj++) {
                for (int a = 0; a < len; a++) {
                    ids[a] = region[(wi * win + a / win) * w + wj * win + a % win];
                }
                int base = (wi * nw + wj) * len * len;
                for (int a = 0; a < len; a++) {
                    for (int c = 0; c < len; c++) {
                        mask[base + a * len + c] = ids[a] == ids[c] ? 0f : -100f;
                    }
                }
            }
        }
        return mask;
    }

    // Swin's relative position index of every (query, key) pair in a window: [(w²)·(w²)]
    static long[] relativeIndex(int w) {
        int len = w * w;
        long[] idx = new long[len * len];
        for (int a = 0; a < len; a++) {
            for (int c = 0; c < len; c++) {
                int dy = a / w - c / w + w - 1;
                int dx = a % w - c % w + w - 1;
                idx[a * len + c] = (long) dy * (2 * w - 1) + dx;
            }
        }
        return idx;
    }

    @Override
    public void close() {
        weights.close();
    }
}
