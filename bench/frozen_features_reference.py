"""Reference for bench/frozen-features: a linear head on frozen ResNet-18 features, in plain PyTorch.

The same work as Kiln's head on stored features, on the same decoded images and weights that
FrozenFeatures wrote: ResNet-18 (written out here with torchvision's module names, since the
official CPU wheel comes without torchvision) loads the torchvision state dict, computes every
image's features once in eval mode without gradients (batches of 64), then a new linear head trains
on them with SGD (the recipe's momentum, weight decay, batch and head rate) for the recipe's
head-only epochs, validating after each epoch like Kiln, and is scored on the test split.

Usage: python3 frozen_features_reference.py DIR threads
Prints REFERENCE_SECONDS= (start to the trained head), FEATURE_SECONDS= and TEST_ACCURACY=.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn

DIR = sys.argv[1]
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(THREADS)
torch.set_num_interop_threads(1)
torch.manual_seed(42)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, cin = [], 64
        for i, cout in enumerate([64, 128, 256, 512]):
            layers.append(nn.Sequential(BasicBlock(cin, cout, 1 if i == 0 else 2), BasicBlock(cout, cout, 1)))
            cin = cout
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, 1000)

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)


with open(DIR + "/meta.json") as f:
    meta = json.load(f)
n, size = meta["count"], meta["size"]
images = torch.from_numpy(np.fromfile(DIR + "/images.f32", dtype="<f4").reshape(n, 3, size, size).copy())
labels = torch.tensor(meta["labels"], dtype=torch.long)
splits = torch.tensor(meta["splits"])
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

net = ResNet18()
net.load_state_dict(torch.load(DIR + "/resnet18.pth"))
net.eval()

start = time.perf_counter()
with torch.no_grad():
    feats = torch.cat([net.features((images[i:i + 64] - mean) / std) for i in range(0, n, 64)])
feature_seconds = time.perf_counter() - start

train, val, test = (torch.nonzero(splits == s).flatten() for s in (0, 1, 2))
head = nn.Linear(feats.shape[1], meta["classes"])
optimizer = torch.optim.SGD(head.parameters(), lr=meta["lr"], momentum=meta["momentum"],
                            weight_decay=meta["weightDecay"])
loss_fn = nn.CrossEntropyLoss()
batch = meta["batch"]
for epoch in range(meta["epochs"]):
    order = train[torch.randperm(len(train))]
    for i in range(0, len(order) - batch + 1 if len(order) > batch else 1, batch):
        idx = order[i:i + batch]
        optimizer.zero_grad()
        loss = loss_fn(head(feats[idx]), labels[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        val_accuracy = (head(feats[val]).argmax(1) == labels[val]).float().mean().item()
seconds = time.perf_counter() - start
with torch.no_grad():
    test_accuracy = (head(feats[test]).argmax(1) == labels[test]).float().mean().item()
print(f"PyTorch {torch.__version__}: features {feature_seconds:.1f} s, head {seconds - feature_seconds:.1f} s,"
      f" validation {val_accuracy:.3f}")
print(f"REFERENCE_SECONDS={seconds}")
print(f"FEATURE_SECONDS={feature_seconds}")
print(f"TEST_ACCURACY={test_accuracy}")
