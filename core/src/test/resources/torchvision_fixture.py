# Test fixtures from the real torchvision (Debian's python3-torchvision, run as /usr/bin/python3):
# the state dicts Kiln must read, laid out exactly as torchvision publishes its ImageNet weights,
# and the logits PyTorch computes from them, for the parity tests.
#
#   layout ARCH                           JSON [[name, shape], ...] of the state dict (no counters)
#   save ARCH FILE zip|legacy CLASSES SEED a network with random weights and calibrated batch-norm
#                                         statistics, saved with torch.save(model.state_dict())
#   sums ARCH FILE CLASSES                loads FILE strictly into the torchvision network and
#                                         prints JSON {name: sum of the tensor} of its state dict
#   logits ARCH FILE CLASSES INPUT OUTPUT loads FILE into the torchvision network and writes its
#                                         logits for INPUT (float32 [N, 3, S, S] little-endian,
#                                         N and S on the first line of INPUT.json) to OUTPUT
import json
import sys

import torch
import torchvision

NETWORKS = {
    "resnet-18": torchvision.models.resnet18,
    "resnet-34": torchvision.models.resnet34,
    "resnet-50": torchvision.models.resnet50,
    "mobilenet-v2": torchvision.models.mobilenet_v2,
}


def build(arch, classes, seed):
    torch.manual_seed(seed)
    model = NETWORKS[arch](num_classes=classes)
    # Batch-norm statistics as a trained network has them: measured on images (cumulative average
    # over a few random batches), with scales and shifts that are not the identity.
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = None
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(8, 3, 64, 64))
    return model.eval()


def main():
    cmd = sys.argv[1]
    if cmd == "layout":
        sd = NETWORKS[sys.argv[2]]().state_dict()
        print(json.dumps([[k, list(v.shape)] for k, v in sd.items() if not k.endswith("num_batches_tracked")]))
    elif cmd == "save":
        arch, path, layout, classes, seed = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        torch.save(build(arch, classes, seed).state_dict(), path, _use_new_zipfile_serialization=(layout == "zip"))
    elif cmd == "sums":
        arch, path, classes = sys.argv[2], sys.argv[3], int(sys.argv[4])
        model = NETWORKS[arch](num_classes=classes)
        model.load_state_dict(torch.load(path))
        print(json.dumps({k: float(v.double().sum()) for k, v in model.state_dict().items()
                          if not k.endswith("num_batches_tracked")}))
    elif cmd == "logits":
        arch, path, classes, inp, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
        model = NETWORKS[arch](num_classes=classes)
        model.load_state_dict(torch.load(path))
        model.eval()
        with open(inp + ".json") as f:
            n, size = json.load(f)
        x = torch.from_numpy(__import__("numpy").fromfile(inp, dtype="<f4").reshape(n, 3, size, size).copy())
        with torch.no_grad():
            model(x).numpy().astype("<f4").tofile(out)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
