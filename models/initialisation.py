"""Weight initialisation schemes, selectable by name so students can compare them.

"zeros" is here on purpose: every hidden unit then computes the same thing and
receives the same gradient, so the network never breaks the symmetry and
stays at chance accuracy — a classic lesson.
"""
from torch import nn

SCHEMES = ("default", "gaussian", "xavier", "kaiming", "zeros")


def init_weights(model: nn.Module, scheme: str) -> None:
    """Re-initialise every Linear and Conv2d weight (and zero its bias) by `scheme`."""
    if scheme not in SCHEMES:
        raise ValueError(f"init must be one of {SCHEMES}, not {scheme!r}")
    if scheme == "default":
        return  # PyTorch's own (Kaiming-uniform with a=sqrt(5))
    for module in model.modules():
        if not isinstance(module, (nn.Linear, nn.Conv2d)):
            continue
        if scheme == "gaussian":
            nn.init.normal_(module.weight, std=0.01)  # the small-random init of early tutorials
        elif scheme == "xavier":
            nn.init.xavier_uniform_(module.weight)
        elif scheme == "kaiming":
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        else:
            nn.init.zeros_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)

