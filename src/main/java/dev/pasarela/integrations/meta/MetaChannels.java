package dev.pasarela.integrations.meta;

import dev.pasarela.messaging.Recipients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Messenger and Instagram: the same Send API and rules, each its own channel, queue and account. */
@Configuration(proxyBeanMethods = false)
public class MetaChannels {

    @Bean
    MetaMessagingChannel messengerChannel(Recipients recipients, MetaSenders senders) {
        return new MetaMessagingChannel("messenger", recipients, senders);
    }

    @Bean
    MetaMessagingChannel instagramChannel(Recipients recipients, MetaSenders senders) {
        return new MetaMessagingChannel("instagram", recipients, senders);
    }
}
