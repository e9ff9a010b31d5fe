package dev.pasarela.tenants;

import java.util.List;

/**
 * The channels a tenant's notification policy may name. The registered channels know them
 * (messaging implements this); tenants ask through this interface so they never depend on messaging.
 */
public interface NotificationChannelNames {

    List<String> notificationChannels();
}
