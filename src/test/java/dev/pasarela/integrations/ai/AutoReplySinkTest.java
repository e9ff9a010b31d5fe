package dev.pasarela.integrations.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.transform.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** On the ingest path only a job is queued: no model is called, nothing for tenants without settings. */
class AutoReplySinkTest {

    AiSettingsStore settings = mock(AiSettingsStore.class);
    ProducerTemplate producer = mock(ProducerTemplate.class);
    AiAssistant assistant = mock(AiAssistant.class);
    ObjectMapper json = dev.pasarela.support.BootObjectMapper.create(); // the application's, as the sink gets it
    AutoReplySink sink = new AutoReplySink(settings, producer, json);

    static InboundMessage message(String channel, String kind, Map<String, Object> content) {
        return new InboundMessage("t1", "meta:wamid.1", "meta", Instant.parse("2026-03-02T12:00:00Z"), channel,
                "wamid.1", "34612345678", "Lucía", kind, content, null);
    }

    static AiSettings settings(List<String> channels, boolean analyze) {
        return new AiSettings("Autos García", null, null, null, null,
                new AiSettings.AutoReplies(channels, null, Duration.ofMinutes(30), null, analyze));
    }

    @Test
    void onlyCustomersTextsOnMetasConversationChannelsAreTaken() {
        assertThat(sink.accepts(message("whatsapp", "text", Map.of("text", "Hola, ¿abrís el sábado?")))).isTrue();
        assertThat(sink.accepts(message("instagram", "text", Map.of("text", "¿Precio del León?")))).isTrue();
        assertThat(sink.accepts(message("sms", "text", Map.of("text", "Hola")))).isFalse();
        assertThat(sink.accepts(message("whatsapp", "system", Map.of("text", "El cliente cambió de número")))).isFalse();
        assertThat(sink.accepts(message("whatsapp", "image", Map.of("mediaId", "123")))).isFalse();
    }

    @Test
    void aTenantAnsweringOnTheChannelGetsAJobOfIdsOnly() throws Exception {
        when(settings.find("t1")).thenReturn(Optional.of(settings(List.of("whatsapp"), false)));

        sink.deliver(message("whatsapp", "text", Map.of("text", "Hola, ¿abrís el sábado?")));

        ArgumentCaptor<byte[]> body = ArgumentCaptor.forClass(byte[].class);
        @SuppressWarnings("unchecked") ArgumentCaptor<Map<String, Object>> headers = ArgumentCaptor.forClass(Map.class);
        verify(producer).sendBodyAndHeaders(eq("jms:queue:jobs.ai"), eq(ExchangePattern.InOnly), body.capture(), headers.capture());
        AutoReplyJob job = json.readValue(body.getValue(), AutoReplyJob.class);
        assertThat(job).isEqualTo(new AutoReplyJob("t1", "whatsapp", "34612345678", "wamid.1", "meta:wamid.1"));
        assertThat(new String(body.getValue())).doesNotContain("sábado");
        assertThat(headers.getValue()).containsEntry(Variables.H_TENANT_ID, "t1").containsEntry(Variables.H_EVENT_KEY, "meta:wamid.1");
        verifyNoInteractions(assistant);
    }

    @Test
    void analysisAloneAlsoQueuesAJob() {
        when(settings.find("t1")).thenReturn(Optional.of(settings(List.of(), true)));
        sink.deliver(message("messenger", "text", Map.of("text", "Quiero tasar mi coche")));
        verify(producer).sendBodyAndHeaders(eq("jms:queue:jobs.ai"), any(ExchangePattern.class), any(), anyMap());
    }

    @Test
    void nothingIsQueuedWithoutSettingsOrWithEverythingOff() {
        when(settings.find("t1")).thenReturn(Optional.empty());
        sink.deliver(message("whatsapp", "text", Map.of("text", "Hola")));
        when(settings.find("t1")).thenReturn(Optional.of(settings(List.of("instagram"), false)));
        sink.deliver(message("whatsapp", "text", Map.of("text", "Hola")));
        verify(producer, never()).sendBodyAndHeaders(anyString(), any(ExchangePattern.class), any(), anyMap());
    }
}
