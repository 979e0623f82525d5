package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.agent.training.Devices;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MessageDispatch;
import io.kiln.core.protocol.Protocol;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The agent's conversation with the backend: greet, heartbeat, claim work when idle, run one
 * training at a time, pass cancellations to it. Backend messages are handled on one event thread;
 * training runs on its own thread.
 */
public final class AgentLoop implements BackendClient.Listener {
  private static final Logger LOG = Logger.getLogger(AgentLoop.class.getName());

  /** While idle, ask for work every this many heartbeats even without a WorkAvailable nudge. */
  static final int IDLE_CLAIM_EVERY = 5;

  private final BackendClient backend;
  private final RunOutbox outbox;
  private final Path workDir;
  private final String version;
  private final String hostname;
  private final List<DeviceInfo> devices;
  private final Map<String, String> versions = versions();
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(daemon("kiln-agent-events"));
  private final ExecutorService training =
      Executors.newSingleThreadExecutor(daemon("kiln-training"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(daemon("kiln-heartbeat"));

  /**
   * One handler per backend message; {@code AgentLoopTest} proves every permitted one has a
   * handler.
   */
  private static final MessageDispatch<AgentLoop, BackendMessage> DISPATCH = dispatchTable();

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile RunExecution current;
  private volatile boolean once;
  private volatile FileCache files;
  private volatile boolean tookRun;
  private boolean heartbeating;
  private long beats;

  public AgentLoop(
      BackendClient backend,
      Path workDir,
      String version,
      String hostname,
      List<DeviceInfo> devices) {
    this.backend = backend;
    this.outbox = new RunOutbox(backend, workDir.resolve("outbox"));
    this.workDir = workDir;
    this.version = version;
    this.hostname = hostname;
    this.devices = List.copyOf(devices);
    this.files = new FileCache(workDir.resolve("datasets"), FileCache.DEFAULT_BYTES);
  }

  /**
   * How many MiB of datasets, pretrained weights and stored features this agent keeps between runs
   * (default 10 GiB).
   */
  public void datasetCacheMib(long mib) {
    files = new FileCache(workDir.resolve("datasets"), mib << 20);
  }

  /** What the Hello reports; empty when the engine cannot say (the agent still trains or fails). */
  private static Map<String, String> versions() {
    try {
      return Devices.versions();
    } catch (RuntimeException | LinkageError e) {
      return Map.of();
    }
  }

  public void start() {
    backend.connect(this);
  }

  /**
   * Takes one run and stops once it has ended and its reports are acknowledged, or at once when the
   * backend has no work for it (an agent started for one run, as a Kubernetes Job).
   */
  public void exitAfterOneRun() {
    once = true;
  }

  /** Blocks until the backend rejects this agent or {@link #stop()} is called. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops: a run in progress is stopped and reported as an infrastructure failure (the backend
   * requeues it, to resume from its last checkpoint); pending reports get a few seconds to go out
   * and stay in the outbox folder for the next start.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    RunExecution run = current;
    if (run != null) {
      run.stopAgent();
    }
    training.shutdown();
    try {
      training.awaitTermination(20, TimeUnit.SECONDS);
      outbox.awaitDrained(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    events.shutdownNow();
    backend.close();
    stopped.countDown();
  }

  public boolean busy() {
    return current != null;
  }

  @Override
  public void connected() {
    events.execute(
        () ->
            backend.send(
                new AgentMessage.Hello(Protocol.VERSION, version, hostname, devices, versions)));
  }

  @Override
  public void disconnected(String reason) {
    LOG.warning("lost the backend connection: " + reason + "; reconnecting");
  }

  @Override
  public void received(BackendMessage message) {
    events.execute(() -> handle(message));
  }

  private void handle(BackendMessage message) {
    DISPATCH.dispatch(this, message);
  }

  /** The permitted backend messages without a handler (a test keeps it empty). */
  static Set<String> unhandled() {
    return DISPATCH.unhandled();
  }

  private static MessageDispatch<AgentLoop, BackendMessage> dispatchTable() {
    return new MessageDispatch<AgentLoop, BackendMessage>(BackendMessage.class)
        .on(BackendMessage.Welcome.class, AgentLoop::welcome)
        .on(BackendMessage.WorkAvailable.class, (loop, m) -> loop.claimIfIdle())
        .on(BackendMessage.NoWork.class, (loop, m) -> loop.noWork())
        .on(BackendMessage.RunAssignment.class, AgentLoop::accept)
        .on(BackendMessage.CancelRun.class, AgentLoop::cancel)
        .on(BackendMessage.Ack.class, (loop, ack) -> loop.outbox.ack(ack.runId(), ack.seq()))
        .on(BackendMessage.EventRejected.class, AgentLoop::eventRejected)
        .on(BackendMessage.Rejected.class, AgentLoop::rejected);
  }

  private void noWork() {
    if (once && current == null) {
      LOG.info(
          tookRun
              ? "the run has ended; this agent was started for one run and stops"
              : "no run for this agent (cancelled or taken already); it stops");
      new Thread(this::stop, "kiln-agent-stop").start();
    }
  }

  private void welcome(BackendMessage.Welcome welcome) {
    LOG.info("connected as agent " + welcome.agentId());
    startHeartbeats(welcome.heartbeatSeconds());
    outbox.resendAll();
    claimIfIdle();
  }

  private void cancel(BackendMessage.CancelRun cancel) {
    RunExecution run = current;
    if (run != null && run.runId() == cancel.runId()) {
      LOG.info("run " + cancel.runId() + ": cancel requested");
      run.cancel();
    }
  }

  /** The backend refused one event as invalid: resending it would fail the same way. */
  private void eventRejected(BackendMessage.EventRejected r) {
    LOG.severe(
        "run "
            + r.runId()
            + ": the backend refused event "
            + r.seq()
            + " ("
            + r.field()
            + " "
            + r.reason()
            + "); dropped");
    outbox.ack(r.runId(), r.seq());
  }

  private void rejected(BackendMessage.Rejected rejected) {
    LOG.severe("the backend rejected this agent: " + rejected.reason());
    new Thread(this::stop, "kiln-agent-stop").start();
  }

  private void accept(BackendMessage.RunAssignment assignment) {
    if (current != null) {
      LOG.warning(
          "ignoring run " + assignment.runId() + ": already training run " + current.runId());
      return;
    }
    RunExecution run = new RunExecution(assignment, backend, outbox, workDir, files);
    current = run;
    tookRun = true;
    LOG.info("claimed run " + assignment.runId());
    training.execute(
        () -> {
          try {
            run.run();
          } finally {
            current = null;
            if (once) {
              awaitReportsAcknowledged();
            }
            events.execute(this::claimIfIdle);
          }
        });
  }

  /** Before an agent for one run stops, what it reported reaches the backend. */
  private void awaitReportsAcknowledged() {
    try {
      outbox.awaitDrained(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void claimIfIdle() {
    if (current == null) {
      backend.send(new AgentMessage.ClaimRun());
    }
  }

  private void startHeartbeats(int seconds) {
    if (heartbeating) {
      return;
    }
    heartbeating = true;
    timer.scheduleAtFixedRate(() -> events.execute(this::beat), seconds, seconds, TimeUnit.SECONDS);
  }

  private void beat() {
    RunExecution run = current;
    backend.send(new AgentMessage.Heartbeat(run == null ? null : run.runId()));
    if (run == null && ++beats % IDLE_CLAIM_EVERY == 0) {
      claimIfIdle();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
