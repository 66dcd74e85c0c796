#!/usr/bin/env python3
"""Makes the small tokenizer files the SA3 tests use (models/src/test/resources/sa3/), with Hugging Face
tokenizers (the library transformers' fast tokenizers run on; version printed into the expected file).

  gemma_like_tokenizer.json + gemma_like_expected.json
      A byte-fallback BPE shaped like Gemma's tokenizer.json: <pad> 0, <eos> 1, <bos> 2, <unk> 3, the 256 byte
      tokens <0x00>..<0xFF>, a few merges over "▁"-prefixed words, Replace(" ", "▁") normaliser, and a
      TemplateProcessing post-processor that puts <bos> in front. Expected ids: tokenizer.encode(text).ids for
      texts with unknown characters (byte fallback), accents and emoji, which the Java side must reproduce through
      DJL's binding (offline, from the jar's own native library).
  tiny_wordlevel_tokenizer.json
      A 96-entry word-level vocabulary that fits the tiny T5Gemma of the sa3_t5gemma golden case, for
      the pipeline tests (no numbers are checked against it).

Run: python3 tools/golden/make_sa3_tokenizers.py
"""
import json
import os

import tokenizers
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, decoders

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'models', 'src', 'test', 'resources', 'sa3')


def gemma_like():
    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    pieces = ["▁", "a", "b", "c", "d", "e", "g", "i", "l", "m", "n", "o", "p", "r", "s", "t", "u", "y", "h", "k", "w",
              "▁t", "▁s", "er", "▁p", "an", "▁d", "ru", "▁dru", "ms", "▁drum", "▁drums", "in", "ng", "ing", "▁b", "as",
              "▁bas", "▁bass", "▁th", "he", "▁the", "ky", "▁sky", "ti", "ad", "pad", "▁pad", "▁ti", "ck", "ic"]
    for p in pieces:
        if p not in vocab:
            vocab[p] = len(vocab)
    merges = [("▁", "t"), ("▁", "s"), ("e", "r"), ("▁", "p"), ("a", "n"), ("▁", "d"), ("r", "u"), ("▁d", "ru"),
              ("m", "s"), ("▁dru", "m"), ("▁drum", "s"), ("i", "n"), ("n", "g"), ("in", "g"), ("▁", "b"), ("a", "s"),
              ("▁b", "as"), ("▁bas", "s"), ("▁t", "h"), ("h", "e"), ("▁th", "e"), ("k", "y"), ("▁s", "ky"),
              ("t", "i"), ("a", "d"), ("p", "ad"), ("▁p", "ad"), ("▁", "ti"), ("c", "k"), ("i", "c")]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Replace(" ", "▁")
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A", pair="<bos> $A <bos> $B",
                                                       special_tokens=[("<bos>", 2)])
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    tok.add_special_tokens(["<pad>", "<eos>", "<bos>", "<unk>"])
    return tok


def main():
    os.makedirs(OUT, exist_ok=True)
    tok = gemma_like()
    tok.save(os.path.join(OUT, 'gemma_like_tokenizer.json'))
    texts = ["drums and bass", "the sky is ticking", "Dröhnender Bass, 120 BPM", "lo-fi pad 🎹 at night",
             "  spaced   out  ", ""]
    expected = {"tokenizers_version": tokenizers.__version__,
                "cases": [{"text": t, "ids": tok.encode(t).ids} for t in texts]}
    with open(os.path.join(OUT, 'gemma_like_expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
    words = ["<pad>", "<eos>", "<bos>", "<unk>"] + [f"w{i}" for i in range(10)] + \
        "drums bass synth pad ambient piano kick snare hat warm dark bright slow fast loop the a of and with".split()
    vocab = {w: i for i, w in enumerate(words)}
    wl = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    wl.pre_tokenizer = pre_tokenizers.Whitespace()
    wl.post_processor = processors.TemplateProcessing(single="<bos> $A", special_tokens=[("<bos>", 2)])
    wl.save(os.path.join(OUT, 'tiny_wordlevel_tokenizer.json'))
    for c in expected["cases"]:
        print(c)


main()
