# A Kiln GPU agent. Build from the repository root after `mvn -B -DskipTests package`:
#   docker build -f deploy/docker/agent.Dockerfile -t kiln-agent .
#
# CUDA: the agent trains on every GPU DJL's PyTorch engine finds at run time, else on the CPU.
# The jar ships libtorch for the CPU only (pytorch-native-cpu). For GPUs, DJL's CUDA build of the
# same libtorch (2.7.1, built for CUDA 12.8) must be on the class path:
#   mvn dependency:copy -Dartifact=ai.djl.pytorch:pytorch-native-cu128:2.7.1:jar:linux-x86_64 \
#       -DoutputDirectory=gpu-agent/target/lib
# before `docker build` (the image then starts offline, as it does here), or set
# PYTORCH_FLAVOR=cu128 and drop -Dai.djl.offline=true below to let DJL download it at the first
# start (the pod needs internet access then). The base image gives the CUDA 12.8 runtime and cuDNN;
# the node needs an NVIDIA driver >= 570 and the NVIDIA container toolkit (or the GPU operator).
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-21-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10002 --home-dir /var/lib/kiln-agent kiln-agent \
    && mkdir -p /var/lib/kiln-agent && chown kiln-agent /var/lib/kiln-agent
COPY --chown=kiln-agent gpu-agent/target/kiln-agent.jar /opt/kiln-agent/kiln-agent.jar
COPY --chown=kiln-agent gpu-agent/target/lib/ /opt/kiln-agent/lib/
USER 10002
# Fixed malloc thresholds: libtorch's per-step buffers stay mapped (deploy/README.md).
ENV GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.hugetlb=1 \
    OPT_OUT_TRACKING=true
# KILN_SERVER and KILN_ENROLLMENT_TOKEN come from the environment (see compose.yaml, k8s/).
ENTRYPOINT ["sh", "-c", "exec java -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -Dai.djl.offline=true -jar /opt/kiln-agent/kiln-agent.jar --work-dir /var/lib/kiln-agent \"$@\"", "--"]
