#!/usr/bin/env python3
"""Makes the CLAP golden cases under models/src/test/resources/golden/clap_*/.

Reference: stable-audio-tools (git 50049e3) stable_audio_tools/models/conditioners.py, CLAPTextConditioner,
which wraps laion_clap's CLAP_Module. laion_clap cannot be installed here, so the network is Hugging Face's
ClapModel (transformers 5.18, torch 2.13 CPU, float32, eval): it is the same network as laion_clap's
(the text branch is a RobertaModel with identical parameter names under `text_model.` instead of
`text_branch.`; the projection is Linear-ReLU-Linear, laion's `text_projection.0/.2`, HF's `linear1/linear2`;
the audio branch is HTSAT, a Swin transformer over a log-mel image). Sizes are tiny and random.

laion_clap behaviours mirrored here (what CLAP_Module.tokenizer / get_text_embedding do):
  * RoBERTa byte-level BPE tokenizer called with padding="max_length", truncation=True, max_length=77
    (`<s> ... </s>` then `<pad>` up to 77; longer prompts are cut to 75 tokens + the two specials);
  * text features: text_branch(input_ids, attention_mask, output_hidden_states=True).hidden_states[layer_ix]
    (index into [embeddings, layer 1, ..., layer L]; SA 2.0 uses -2);
  * text embedding: normalize(text_projection(pooler_output)) (pooler = tanh(dense(h[:, 0]))).
CLAPTextConditioner logic reproduced:
  * use_text_features=True: tokens = proj_out(hidden_states[feature_layer_ix]), mask = attention_mask; the
    padding positions are NOT zeroed (unlike the T5 conditioner);
  * use_text_features=False: tokens = proj_out(text_embedding).unsqueeze(1), mask = ones [B, 1];
  * proj_out is Linear(dim, cond_dim) when dim != cond_dim (or project_out), else identity. The reference
    hard-codes dim = 768 (features) / 512 (embedding), the sizes of the released checkpoint; for the tiny
    model dim is the text hidden size / projection_dim.
  * The single-prompt workaround (encode [text, ""] and keep row 0) does not change row 0: each row is
    tokenized and padded on its own and attention never crosses rows.

The tokenizer is a tiny byte-level BPE trained here with the `tokenizers` library in RoBERTa's layout
(ByteLevel pre-tokenizer and decoder, RobertaProcessing, <s>=0 <pad>=1 </s>=2 <unk>=3); the golden
input_ids come from transformers' PreTrainedTokenizerFast over that tokenizer.json.

Run (a Python with torch 2.x, transformers and tokenizers): python3 tools/golden/make_clap_cases.py [output_dir]
"""
import json
import os
import shutil
import sys

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import ClapConfig, ClapFeatureExtractor, ClapModel, PreTrainedTokenizerFast

from golden_io import save_safetensors  # beside this script

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "models", "src", "test", "resources", "golden")
REFERENCE = ("stable-audio-tools 50049e3 CLAPTextConditioner logic over transformers 5.18 ClapModel, "
             "torch 2.13 CPU float32 eval")
MAX_LENGTH = 77  # laion_clap's tokenizer max_length

PROMPTS = [
    "128 BPM tech house drum loop",
    "",
    "A grand orchestral arrangement with thunderous percussion, epic brass fanfares, and soaring strings, "
    "creating a cinematic atmosphere fit for a heroic battle, then a quiet coda with a lone flute and harp "
    "over distant timpani rolls and a choir that fades out slowly",
    "Ünïcödé  spaces\tand émoji 🎹 (lo-fi) — 3/4",
]

CORPUS = [
    "warm analog pad with slow attack", "dark techno kick drum loop at 128 BPM", "dusty breakbeat",
    "a grand orchestral arrangement with thunderous percussion and soaring strings",
    "ambient drone, evolving textures, field recordings", "upbeat tropical house track with cheery vibes",
    "lo-fi hip hop beat with vinyl crackle", "the quick brown fox jumps over the lazy dog",
] * 4


def make_tokenizer(path):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=420, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    tok.add_special_tokens(["<mask>"])
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True,
                                                      add_prefix_space=False)
    tok.save(path)
    return tok.get_vocab_size()


def randomise(model, gen):
    # Non-trivial values everywhere (LayerNorm gains/shifts and biases too), small enough to keep
    # activations in range through the layers.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("logit_scale_a") or name.endswith("logit_scale_t"):
                continue
            if p.dim() == 1:
                base = 1.0 if ("LayerNorm.weight" in name or "norm" in name and name.endswith("weight")) else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=gen))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=gen) / fan_in ** 0.5)
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.2 * torch.randn(b.shape, generator=gen))
            elif name.endswith("running_var"):
                b.copy_(0.5 + torch.rand(b.shape, generator=gen))


def clap_config(vocab_size):
    return ClapConfig(
        text_config=dict(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=3, num_attention_heads=4,
                         intermediate_size=64, max_position_embeddings=80, layer_norm_eps=1e-5,
                         type_vocab_size=1, hidden_act="gelu"),
        audio_config=dict(spec_size=128, num_mel_bins=64, window_size=8, patch_size=4, patch_stride=[4, 4],
                          patch_embeds_hidden_size=16, hidden_size=64, depths=[2, 1, 2], num_attention_heads=[2, 4, 8],
                          enable_fusion=False, num_classes=5, mlp_ratio=2.0, layer_norm_eps=1e-5),
        projection_dim=24)


def write_clap_folder(d, model, tokenizer_path, text_only=False):
    os.makedirs(d, exist_ok=True)
    sd = dict(model.state_dict())  # as save_pretrained writes it, int64 buffers included
    if text_only:  # the text cases keep their folders small: the audio branch is not read by the conditioner
        sd = {k: v for k, v in sd.items() if k.startswith("text_")}
    save_safetensors(os.path.join(d, "model.safetensors"), sd)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(model.config.to_dict(), f, indent=2, sort_keys=True, default=str)
    shutil.copy(tokenizer_path, os.path.join(d, "tokenizer.json"))


def sa_config(cond_dim, clap_cfg):
    # The conditioning block of a diffusion_cond model_config.json (stable_audio_2_0.json's shape).
    return {
        "model_type": "diffusion_cond", "sample_rate": 44100, "audio_channels": 2, "sample_size": 12582912,
        "model": {"conditioning": {"cond_dim": cond_dim, "configs": [
            {"id": "prompt", "type": "clap_text", "config": clap_cfg}]}},
    }


def text_case(name, model, tokenizer_path, ids, mask, use_text_features, layer_ix, cond_dim, gen, description,
              clap_dir=None):
    """clap_dir: another case's CLAP folder (relative to this case) holding the same model, stored once there."""
    d = os.path.join(OUT, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    if clap_dir:
        os.makedirs(d)
    else:
        write_clap_folder(os.path.join(d, "clap"), model, tokenizer_path, text_only=True)
    text = model.text_model
    with torch.no_grad():
        out = text(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        features = out.hidden_states[layer_ix]
        embeds = F.normalize(model.text_projection(out.pooler_output), dim=-1)
        dim = features.shape[-1] if use_text_features else embeds.shape[-1]
        proj = torch.nn.Linear(dim, cond_dim)
        proj.weight.copy_(torch.randn(proj.weight.shape, generator=gen) / dim ** 0.5)
        proj.bias.copy_(0.1 * torch.randn(proj.bias.shape, generator=gen))
        if use_text_features:
            tokens = proj(features)
            cond_mask = mask.float()
        else:
            tokens = proj(embeds).unsqueeze(1)
            cond_mask = torch.ones(ids.shape[0], 1)
    save_safetensors(os.path.join(d, "model.safetensors"), {
        "conditioner.conditioners.prompt.proj_out.weight": proj.weight,
        "conditioner.conditioners.prompt.proj_out.bias": proj.bias})
    save_safetensors(os.path.join(d, "inputs.safetensors"), {"dummy": torch.zeros(1)})
    save_safetensors(os.path.join(d, "outputs.safetensors"), {
        "input_ids": ids.float(), "attention_mask": mask.float(), "text_features": features,
        "text_embeds": embeds, "tokens": tokens, "mask": cond_mask})
    clap_cfg = {"audio_model_type": "HTSAT-base", "enable_fusion": False, "clap_ckpt_path": "clap",
                "use_text_features": use_text_features, "feature_layer_ix": layer_ix}
    with open(os.path.join(d, "model_config.json"), "w") as f:
        json.dump(sa_config(cond_dim, clap_cfg), f, indent=2)
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump({"component": "clap_text_conditioner", **({"clap_dir": clap_dir} if clap_dir else {}),
                   "prompts": PROMPTS, "conditioner_id": "prompt",
                   "tolerance": {"atol": 1e-4, "rtol": 1e-4}, "description": description,
                   "reference": REFERENCE}, f, indent=2, ensure_ascii=False)


def feature_extractor():
    # laion/clap-htsat-unfused's front end (48 kHz, 1024-sample Hann window, hop 480, 64 mel bins from 50 Hz to
    # 14 kHz, slaney mel filters for truncation "rand_trunc", "repeatpad" padding) with a 1 s window instead of 10 s
    return ClapFeatureExtractor(feature_size=64, sampling_rate=48000, hop_length=480, max_length_s=1,
                                fft_window_size=1024, frequency_min=50, frequency_max=14000,
                                truncation="rand_trunc", padding="repeatpad")


def audio_case(model, tokenizer_path, ids, mask, text_embeds, gen):
    name = "clap_audio_score"
    d = os.path.join(OUT, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    write_clap_folder(os.path.join(d, "clap"), model, tokenizer_path)
    fe = feature_extractor()
    with open(os.path.join(d, "clap", "preprocessor_config.json"), "w") as f:
        json.dump(fe.to_dict(), f, indent=2, sort_keys=True)
    # two mono clips at 48 kHz shorter than the window: 0.4 s (repeated twice, then zero-padded) and 1 s exactly
    t = torch.arange(48000, dtype=torch.float64) / 48000
    a = 0.3 * torch.sin(2 * torch.pi * 440 * t[:19200]) + 0.05 * torch.randn(19200, generator=gen, dtype=torch.float64)
    b = 0.2 * torch.randn(48000, generator=gen, dtype=torch.float64) * torch.sin(2 * torch.pi * 3 * t)
    waves = [a.float(), b.float()]
    feats = fe([w.numpy() for w in waves], sampling_rate=48000, return_tensors="pt")
    with torch.no_grad():
        out = model.audio_model(input_features=feats["input_features"].float())
        audio_embeds = F.normalize(model.audio_projection(out.pooler_output), dim=-1)
        score = text_embeds @ audio_embeds.T   # cosine similarity of normalised embeddings [prompts, clips]
    save_safetensors(os.path.join(d, "model.safetensors"), {"dummy": torch.zeros(1)})
    save_safetensors(os.path.join(d, "inputs.safetensors"), {"audio_0": waves[0], "audio_1": waves[1]})
    save_safetensors(os.path.join(d, "outputs.safetensors"), {
        "mel": feats["input_features"][:, 0].float(), "audio_pooled": out.pooler_output,
        "audio_embeds": audio_embeds, "text_embeds": text_embeds, "score": score})
    with open(os.path.join(d, "model_config.json"), "w") as f:
        json.dump({"note": "the CLAP model is clap/ (HF ClapModel layout)"}, f)
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump({"component": "clap_audio_score", "prompts": PROMPTS, "sample_rate": 48000,
                   "tolerance": {"atol": 1e-4, "rtol": 1e-4},
                   "description": "ClapFeatureExtractor (clap/preprocessor_config.json: 48 kHz, window 1024, hop 480, "
                                  "64 slaney mel bins 50-14000 Hz, rand_trunc, repeatpad, max_length_s 1) on the "
                                  "mono 48 kHz clips audio_0 (0.4 s) and audio_1 (1 s) -> mel [2, 101, 64] (dB); "
                                  "the tiny HTSAT audio branch (ClapAudioModel: batch norm over mel bins, bicubic "
                                  "resize of time to 256, mel-to-image fold, 4x4 patches, three Swin stages on 32x32, "
                                  "16x16 and 8x8 grids with 8x8 windows (shifted in every second block, except on "
                                  "the 8x8 grid where the window covers it) and patch merging, LayerNorm, mean "
                                  "pool) -> audio_pooled [2, 64]; "
                                  "audio_embeds = normalize(audio_projection(audio_pooled)) [2, 24]; text_embeds "
                                  "[4, 24] of case.json's prompts; score = text_embeds @ audio_embeds^T [4, 2] "
                                  "(the CLAP score, cosine similarity).",
                   "reference": REFERENCE}, f, indent=2, ensure_ascii=False)


def mel_case(name, truncation, gen):
    # the front end alone at laion/clap-htsat-*'s real settings (10 s window): 1.3 s of audio, repeated 7 times
    d = os.path.join(OUT, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    fe = ClapFeatureExtractor(feature_size=64, sampling_rate=48000, hop_length=480, max_length_s=10,
                              fft_window_size=1024, frequency_min=50, frequency_max=14000,
                              truncation=truncation, padding="repeatpad")
    with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
        json.dump(fe.to_dict(), f, indent=2, sort_keys=True)
    n = 62400
    t = torch.arange(n, dtype=torch.float64) / 48000
    wave = (0.4 * torch.sin(2 * torch.pi * 220 * t) * torch.exp(-t)
            + 0.02 * torch.randn(n, generator=gen, dtype=torch.float64)).float()
    feats = fe([wave.numpy()], sampling_rate=48000, return_tensors="pt")
    save_safetensors(os.path.join(d, "model.safetensors"), {"dummy": torch.zeros(1)})
    save_safetensors(os.path.join(d, "inputs.safetensors"), {"audio": wave})
    save_safetensors(os.path.join(d, "outputs.safetensors"), {"mel": feats["input_features"][:, 0].float()})
    with open(os.path.join(d, "model_config.json"), "w") as f:
        json.dump({"note": "the front end's settings are preprocessor_config.json"}, f)
    filters = "slaney-scale, slaney-normalised" if truncation != "fusion" else "HTK-scale, unnormalised"
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump({"component": "clap_mel", "tolerance": {"atol": 1e-3, "rtol": 1e-5},
                   "description": f"ClapFeatureExtractor with truncation {truncation!r} ({filters} mel filters), "
                                  "48 kHz, window 1024, hop 480, 64 bins 50-14000 Hz, max_length_s 10, repeatpad, "
                                  "on 1.3 s of mono audio -> mel [1, 1001, 64] in dB (the first of the 4 "
                                  "identical copies for fusion)",
                   "reference": REFERENCE}, f, indent=2)


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(1234)
    tmp_tok = os.path.join(OUT, ".clap_tokenizer.json")
    vocab = make_tokenizer(tmp_tok)
    fast = PreTrainedTokenizerFast(tokenizer_file=tmp_tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", mask_token="<mask>")
    enc = fast(PROMPTS, padding="max_length", truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
    ids, mask = enc["input_ids"], enc["attention_mask"]
    assert ids.shape == (len(PROMPTS), MAX_LENGTH) and mask[2].all() and ids[2, -1] == 2  # prompt 2 is truncated

    torch.manual_seed(0)
    model = ClapModel(clap_config(vocab)).eval()
    randomise(model, gen)

    text_case("clap_text_features", model, tmp_tok, ids, mask, True, -2, 20, gen,
              "CLAPTextConditioner with use_text_features=true, feature_layer_ix=-2 (as Stable Audio 2.0): "
              "the 4 prompts of case.json tokenized (RoBERTa BPE, padding max_length 77, truncation) -> "
              "input_ids/attention_mask [4, 77]; text_features = hidden_states[-2] [4, 77, 32] of the tiny "
              "CLAP text branch (clap/: HF ClapModel config.json, model.safetensors with the text_* keys "
              "only, tokenizer.json); "
              "tokens = proj_out(text_features) [4, 77, 20] (padding not zeroed), mask = attention_mask; "
              "text_embeds = normalize(text_projection(pooler_output)) [4, 24].")
    text_case("clap_text_embedding", model, tmp_tok, ids, mask, False, -1, 20, gen,
              "CLAPTextConditioner with use_text_features=false: tokens = proj_out(text_embeds).unsqueeze(1) "
              "[4, 1, 20], mask = ones [4, 1]; text_embeds = normalize(text_projection(pooler_output)) [4, 24]; "
              "also input_ids/attention_mask and text_features = hidden_states[-1] [4, 77, 32].",
              clap_dir="../clap_text_features/clap")
    with torch.no_grad():
        text_embeds = F.normalize(model.text_projection(model.text_model(input_ids=ids, attention_mask=mask)
                                                        .pooler_output), dim=-1)
    audio_case(model, tmp_tok, ids, mask, text_embeds, gen)
    mel_case("clap_mel_rand_trunc", "rand_trunc", gen)
    mel_case("clap_mel_fusion", "fusion", gen)
    os.remove(tmp_tok)


if __name__ == "__main__":
    main()
