"""A small convolutional network for 28×28 digit images.

Each block is conv 3×3 → BatchNorm → ReLU → max-pool 2×2, so the spatial size
goes 28 → 14 → 7 → 3 with the default three blocks. Input is pixels in [0, 1];
the model applies the MNIST normalisation itself.
"""
from dataclasses import dataclass

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from models.fields import setting
from models.initialisation import SCHEMES, init_weights


@dataclass
class CNNConfig:
    kind: str = "cnn"
    channels: list[int] = setting([32, 64, 128], "output channels of each conv block")
    hidden_size: int = setting(128, "width of the classifier's hidden layer")
    dropout: float = setting(0.3, "dropout probability in the classifier")
    init: str = setting("default", "weight initialisation", choices=SCHEMES)
    num_classes: int = 10
    mean: float = 0.1307
    std: float = 0.3081


class CNN(nn.Module, PyTorchModelHubMixin):
    def __init__(self, config: CNNConfig):
        super().__init__()
        self.config = config
        blocks: list[nn.Module] = []
        in_channels, size = 1, 28
        for out_channels in config.channels:
            blocks += [
                nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),  # BN supplies the bias
                nn.BatchNorm2d(out_channels),
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]
            in_channels, size = out_channels, size // 2
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(config.dropout),
            nn.Linear(in_channels * size * size, config.hidden_size),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.hidden_size, config.num_classes),
        )
        init_weights(self, config.init)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if pixels.dtype == torch.uint8:  # training data is kept as bytes to save memory
            pixels = pixels.float() / 255
        x = (pixels - self.config.mean) / self.config.std
        return self.head(self.features(x))
