"""Reference for bench/train-throughput: the same small CNN, data and loop in plain PyTorch.

Same network as Kiln's small-cnn (three 3x3 conv + batch norm + ReLU blocks of 32/64/128 filters,
2x2 max pooling, global average pooling, one linear layer), SGD with momentum 0.9, weight decay
1e-4, batch 128, the same thread count. Like Kiln's loop it reads the loss and counts correct
predictions every batch. "augmented" adds what a PyTorch user would write for random resized crop
+ horizontal flip (torchvision's RandomResizedCrop and RandomHorizontalFlip, written out here so
both peers run the same code: the official CPU wheel comes without torchvision, and the image's
torchvision wheels need CUDA; in a DataLoader worker, one worker like Kiln's one augmentation
thread) and CutMix on the batch.

Usage: python3 train_throughput_reference.py plain|augmented images epochs threads
Prints REFERENCE_IMAGES_PER_SECOND=<mean over epochs after the first>.
"""
import gzip
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MODE = sys.argv[1] if len(sys.argv) > 1 else "plain"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 25600
EPOCHS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
THREADS = int(sys.argv[4]) if len(sys.argv) > 4 else 2
torch.set_num_threads(THREADS)
torch.set_num_interop_threads(1)
torch.manual_seed(42)

ROOT = "/usr/share/datasets/fashion-mnist/"
with gzip.open(ROOT + "train-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:COUNT]
with gzip.open(ROOT + "train-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)[:COUNT]
x_all = torch.from_numpy(images.astype(np.float32) / 255.0)
mean, std = x_all.mean(), x_all.std()
x_all = (x_all - mean) / std
y_all = torch.from_numpy(labels.astype(np.int64))
train_count = int(COUNT * 0.98)
x_train, y_train = x_all[:train_count], y_all[:train_count]


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


model = nn.Sequential(block(1, 32), nn.MaxPool2d(2), block(32, 64), nn.MaxPool2d(2), block(64, 128),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)


def random_resized_crop(img, size=28, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3)):
    """torchvision.transforms.RandomResizedCrop on a CHW tensor (bilinear, antialias=False)."""
    _, height, width = img.shape
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    top, left, h, w = 0, 0, height, width
    for _ in range(10):
        target = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect = math.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1]).item())
        cw, ch = int(round(math.sqrt(target * aspect))), int(round(math.sqrt(target / aspect)))
        if 0 < cw <= width and 0 < ch <= height:
            top = torch.randint(0, height - ch + 1, size=(1,)).item()
            left = torch.randint(0, width - cw + 1, size=(1,)).item()
            h, w = ch, cw
            break
    crop = img[None, :, top:top + h, left:left + w]
    return F.interpolate(crop, size=(size, size), mode="bilinear", align_corners=False, antialias=False)[0]


class Augmented(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        img = random_resized_crop(self.x[i])
        if torch.rand(1).item() < 0.5:
            img = img.flip(-1)
        return img, self.y[i]


def batches():
    if MODE == "plain":
        perm = torch.randperm(train_count)
        for start in range(0, train_count - 127, 128):
            idx = perm[start:start + 128]
            yield x_train[idx], y_train[idx]
    else:
        yield from loader


if MODE == "augmented":
    loader = torch.utils.data.DataLoader(Augmented(x_train, y_train), batch_size=128, shuffle=True, drop_last=True,
                                         num_workers=1, persistent_workers=True, prefetch_factor=4)


def cutmix(x, y):
    lam = np.random.beta(1.0, 1.0)
    perm = torch.randperm(x.size(0))
    cut = int(28 * math.sqrt(1 - lam))
    cy, cx = np.random.randint(28), np.random.randint(28)
    t, b, l, r = max(cy - cut // 2, 0), min(cy + cut // 2, 28), max(cx - cut // 2, 0), min(cx + cut // 2, 28)
    x = x.clone()
    x[:, :, t:b, l:r] = x[perm, :, t:b, l:r]
    lam = 1 - (b - t) * (r - l) / 784
    targets = lam * F.one_hot(y, 10).float() + (1 - lam) * F.one_hot(y[perm], 10).float()
    return x, targets


rates = []
for epoch in range(1, EPOCHS + 1):
    model.train()
    seen, correct, loss_sum = 0, 0, 0.0
    start = time.perf_counter()
    for x, y in batches():
        if MODE == "augmented":
            x, targets = cutmix(x, y)
            logits = model(x)
            loss = torch.sum(-targets * F.log_softmax(logits, dim=1), dim=1).mean()
        else:
            logits = model(x)
            loss = F.cross_entropy(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        seen += len(y)
    rate = seen / (time.perf_counter() - start)
    print(f"epoch {epoch}: {rate:.0f} images/s, train loss {loss_sum / seen:.4f}", flush=True)
    if epoch > 1:
        rates.append(rate)
print(f"REFERENCE_IMAGES_PER_SECOND={sum(rates) / len(rates):.1f}")
