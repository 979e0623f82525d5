# Regenerates backbone.pt, the test fixture for fine-tuning from an uploaded TorchScript backbone
# (T13): a tiny conv net exported without a classifier, as a user would export theirs.
# Run with the python3-torch Debian package: /usr/bin/python3 make-backbone.py
import torch
import torch.nn as nn

torch.manual_seed(0)
features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten())
torch.jit.trace(features, torch.zeros(2, 1, 16, 16)).save("backbone.pt")
