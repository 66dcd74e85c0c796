"""Stand-in modules for what stable-audio-tools imports but the golden scripts never run.

The reference package imports downloaders, progress bars, checkpoint readers, audio I/O and the T5 language model at
module level; the golden cases reach none of them (nothing downloads or reads a checkpoint, and the T5 conditioner's
last hidden state is an input of each case). Registering empty modules under those names lets the reference import on
a machine that has only torch, numpy, einops and packaging.
"""
import importlib.machinery
import sys
import types

import torch


def module(name, **attrs):
    """Registers an empty module `name` holding `attrs` (with a spec, which torch 2's import checks read)."""
    m = types.ModuleType(name)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def any_name(name):
    """Registers a module whose every attribute is a placeholder class: imported at module level, never called."""
    m = module(name)
    m.__getattr__ = lambda n: (_ for _ in ()).throw(AttributeError(n)) if n.startswith("__") else type(n, (), {})
    return m


class Unloaded(torch.nn.Module):
    """Stands in for T5: built by the conditioner, never called here."""

    @classmethod
    def from_pretrained(cls, *a, **k):
        return cls()


def install_common():
    """The stand-ins every golden script of stable-audio-tools needs."""
    module("huggingface_hub", hf_hub_download=None)
    module("tqdm", tqdm=lambda x, *a, **k: x, trange=lambda *a, **k: range(*a))
    module("tqdm.auto", tqdm=lambda x, *a, **k: x, trange=lambda *a, **k: range(*a))
    module("safetensors")
    module("safetensors.torch", load_file=None, save_file=None)
    module("transformers", T5EncoderModel=Unloaded, AutoTokenizer=Unloaded, T5Tokenizer=Unloaded)
    any_name("alias_free_torch")
    any_name("torchaudio").transforms = any_name("torchaudio.transforms")
    sys.modules["torchaudio"].functional = any_name("torchaudio.functional")
