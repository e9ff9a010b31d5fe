package dev.pasarela.messaging;

import dev.pasarela.api.ProblemException;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.limits.ApiLimitsInterceptor;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** What every send endpoint does with a checked request, and answers. */
@Component
public class OutboxResponses {

    /** A phone number as every channel takes it: E.164 with '+' and the country code. */
    public static final String E164_REGEX = "\\+[1-9][0-9]{6,14}";
    public static final Pattern E164 = Pattern.compile(E164_REGEX);
    /** One email address, loosely: the provider has the last word. */
    public static final String EMAIL_REGEX = "[^@\\s<>]{1,64}@[^@\\s<>]{1,255}\\.[^@\\s<>.]{2,}";
    public static final Pattern EMAIL = Pattern.compile(EMAIL_REGEX);

    private final Outbox outbox;
    private final TenantRepository tenants;
    private final Quotas quotas;

    public OutboxResponses(Outbox outbox, TenantRepository tenants, Quotas quotas) {
        this.outbox = outbox;
        this.tenants = tenants;
        this.quotas = quotas;
    }

    /**
     * The caller's message on a channel: checked by the channel ({@link Channel#validate}, then its
     * rules for a new Idempotency-Key), accepted into the outbox, answered 202.
     */
    public <R extends ChannelRequest> ResponseEntity<Map<String, Object>> send(Channel<R> channel, String to,
                                                                               R request, String idempotencyKey) {
        String tenantId = ApiCaller.current().tenantId();
        R checked = channel.validate(request);
        boolean ready;
        try {
            ready = channel.canSend(tenantId);
        } catch (dev.pasarela.pipeline.errors.PermanentException e) {
            if (e.failureCode() == null) {
                throw e;
            }
            throw new ProblemException(409, e.failureCode(), "Channel not usable",
                    "This tenant's " + channel.name() + " credentials cannot be used (" + e.failureCode()
                            + "); an operator must store them again.");
        }
        if (!ready) {
            // refused here, not queued to fail later: the interceptor gives the quota unit back on a 4xx
            throw new ProblemException(409, "channel-not-configured", "Channel not configured",
                    "This tenant cannot send on " + channel.name() + " yet: it needs " + channel.configurationNeeded()
                            + ".");
        }
        // the handler is @Metered(channel.quota()): the unit, in the month the interceptor counted it, is noted
        // on the message, so a failure before any provider took it gives it back (MessageHistory.recordFailed)
        String month = ApiLimitsInterceptor.chargedMonth().orElseGet(() -> quotas.month(tenants.require(tenantId)));
        Map<String, Object> metered = Map.of(MessageHistory.METERED, Map.of("quota", channel.quota(), "month", month));
        Outbox.Accepted a;
        try {
            a = outbox.accept(OutboundRequest.of(tenantId, channel.name(), to, checked, idempotencyKey)
                    .checkedBy(() -> channel.checkAcceptable(tenantId, to, checked)).annotated(metered));
        } catch (Outbox.NotQueuedException e) {
            if (e.leftOver()) {
                ApiLimitsInterceptor.keepWhenFailed(); // the message recorded holds the unit (Outbox gives it back)
            }
            throw e;
        }
        return accepted(a);
    }

    /** 202 with the message id and {@code Location}; a replay an earlier call paid for gives this call's unit back. */
    private ResponseEntity<Map<String, Object>> accepted(Outbox.Accepted a) {
        if (!a.spendsUnit()) {
            ApiLimitsInterceptor.giveBackWhenDone();
        }
        return answer(a);
    }

    /** The answer to an acceptance: 202, its {@code Location} and {@code Idempotent-Replayed}, the message's id and status. */
    public static ResponseEntity<Map<String, Object>> answer(Outbox.Accepted a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", a.id());
        out.put("channel", a.channel());
        out.put("status", a.status());
        out.put("createdAt", a.createdAt());
        return ResponseEntity.accepted().location(URI.create("/api/v1/messages/" + a.id()))
                .header("Idempotent-Replayed", String.valueOf(a.replayed())).body(out);
    }
}
