package io.kiln.backend.notify;

import io.kiln.backend.agent.Agent;
import io.kiln.backend.agent.AgentRegistry;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.labels.LabelCheck;
import io.kiln.backend.labels.LabelCheckEnded;
import io.kiln.core.notify.EventKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events beyond a run's: a label check ended (told to the one who started it, with how many photos
 * it found), an admin revoked an agent (told to the other admins). Recorded inside the transaction
 * of the change.
 */
@ApplicationScoped
class FleetAndLabelNotices {
  private final Outbox outbox;
  private final KilnConfig config;

  FleetAndLabelNotices(Outbox outbox, KilnConfig config) {
    this.outbox = outbox;
    this.config = config;
  }

  void onLabelCheck(@Observes LabelCheckEnded ended) {
    LabelCheck check = LabelCheck.findById(ended.checkId());
    Dataset dataset = Dataset.findById(check.datasetId);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", check.id);
    c.put("datasetId", check.datasetId);
    c.put("dataset", dataset.name + " v" + dataset.version);
    c.put("state", check.state);
    c.put("issues", ended.issues());
    c.put("reason", check.reason);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("kind", EventKind.LABEL_CHECK_FINISHED.key());
    payload.put("teamId", check.teamId);
    payload.put("check", c);
    Links.put(payload, config, "/#/datasets/" + check.datasetId);
    outbox.record(
        EventKind.LABEL_CHECK_FINISHED,
        "label-check-ended:" + check.id,
        check.teamId,
        null,
        ended.actor(),
        payload,
        List.of(check.createdBy));
  }

  void onRevoked(@Observes AgentRegistry.AgentRevoked revoked) {
    Agent agent = Agent.findById(revoked.agentId());
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("kind", EventKind.AGENT_REVOKED.key());
    payload.put("agent", Map.of("id", agent.id, "name", agent.name == null ? "" : agent.name));
    payload.put("by", revoked.admin());
    payload.put("path", "/#/agents/" + agent.id);
    outbox.record(
        EventKind.AGENT_REVOKED,
        "agent-revoked:" + agent.id,
        null,
        null,
        revoked.admin(),
        payload,
        Recipients.admins());
  }
}
