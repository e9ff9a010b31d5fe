package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.PasarelaApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.pasarela.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import dev.pasarela.support.PostgresDatabases;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Missing or malformed configuration stops the start, with the variable named and no secret shown. */
@ExtendWith(OutputCaptureExtension.class)
class StartupConfigurationTest {

    @TempDir
    Path dir;

    /** Starts the gateway; {@code overrides} are {@code --name=value} and replace the defaults below. */
    ConfigurableApplicationContext start(String... overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("pasarela.data-dir", dir.resolve(UUID.randomUUID().toString()).toString());
        props.put("pasarela.stripe.webhook-secret", "whsec_test_startup");
        props.put("pasarela.ops.token", "startup-test-token-0123456789abcdef01");
        props.put("pasarela.vault.master-keys", dev.pasarela.support.GatewayTest.MASTER_KEYS);
        for (String o : overrides) {
            String[] kv = o.substring(2).split("=", 2);
            props.put(kv[0], kv[1]);
        }
        List<String> args = new ArrayList<>();
        props.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(PasarelaApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void refusesAShortOpsToken() {
        assertThatThrownBy(() -> start("--pasarela.ops.token=short-token-value"))
                .hasStackTraceContaining("PASARELA_OPS_TOKEN")
                .satisfies(e -> assertThat(stack(e)).doesNotContain("short-token-value"));
    }

    @Test
    void refusesMissingOrMalformedMasterKeys() {
        assertThatThrownBy(() -> start("--pasarela.vault.master-keys=")).hasStackTraceContaining("PASARELA_MASTER_KEYS");
        assertThatThrownBy(() -> start("--pasarela.vault.master-keys=k1:c2hvcnQ="))
                .hasStackTraceContaining("PASARELA_MASTER_KEYS").hasStackTraceContaining("32 bytes");
    }

    @Test
    void refusesAMissingStripeSecret() {
        assertThatThrownBy(() -> start("--pasarela.stripe.webhook-secret="))
                .hasStackTraceContaining("STRIPE_WEBHOOK_SECRET");
    }

    @Test
    void refusesAMalformedTenantsFile() throws Exception {
        Path file = dir.resolve("tenants.yml");
        Files.writeString(file, "tenants:\n  - id: Not_Valid\n    name: x\n");
        assertThatThrownBy(() -> start("--pasarela.tenants-file=" + file))
                .hasStackTraceContaining("PASARELA_TENANTS_FILE");
    }

    @Test
    void theDevProfileRunsWithoutAnOpsTokenAndLoadsTheExampleTenants() {
        try (ConfigurableApplicationContext ctx = start("--spring.profiles.active=dev", "--pasarela.ops.token=",
                "--pasarela.tenants-file=config/tenants.example.yml")) {
            assertThat(ctx.getBean(dev.pasarela.tenants.TenantRepository.class).find("autos-garcia"))
                    .hasValueSatisfying(t -> assertThat(t.identities()).containsEntry("stripe", "cus_NffrFeUfNV2Hib"));
        }
    }

    @Test
    void namesEveryMissingOrMalformedVariableInOneShortReport(CapturedOutput output) {
        assertThatThrownBy(() -> start("--pasarela.ops.token=short-token-value", "--pasarela.vault.master-keys=",
                "--pasarela.stripe.webhook-secret=sk_live_not_a_webhook_secret", "--pasarela.retry.max-redeliveries=-1",
                "--pasarela.ingress.abuse.window=soon", "--pasarela.rate-limits.store=disk"))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(6)
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_OPS_TOKEN (pasarela.ops.token)"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_MASTER_KEYS"))
                        .anySatisfy(p -> assertThat(p).startsWith("STRIPE_WEBHOOK_SECRET (pasarela.stripe.webhook-secret)"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_RETRY_MAX_REDELIVERIES"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_INGRESS_ABUSE_WINDOW"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_RATE_LIMITS_STORE")));
        // Spring Boot's start-failure report: every variable, no value, no stack trace
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("has 6 problems").contains("PASARELA_OPS_TOKEN").contains("STRIPE_WEBHOOK_SECRET")
                .doesNotContain("short-token-value").doesNotContain("sk_live_not_a_webhook_secret")
                // the report, not a logged stack trace of the failure
                .doesNotContain("at dev.pasarela.config.ConfigurationCheck.postProcessBeanFactory");
    }

    /**
     * Values read outside the records before (the store type, the operator's files) are in the same one
     * report; so is a plain {@code again}, which earlier versions took for the table's import.
     */
    @Test
    void theStoreTypeItsTableImportAndTheOperatorsFilesAreReportedWithTheRest(CapturedOutput output) {
        assertThatThrownBy(() -> start("--pasarela.ops.token=short-token-value", "--pasarela.store.type=bogus",
                "--pasarela.store.table-import=again",
                "--pasarela.tenants-file=" + dir.resolve("missing-tenants.yml"),
                "--pasarela.plans-file=" + dir.resolve("missing-plans.yml")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(5)
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_OPS_TOKEN"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_STORE_TYPE (pasarela.store.type)"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_STORE_TABLE_IMPORT (pasarela.store.table-import)")
                                .contains("again:<code>"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_TENANTS_FILE (pasarela.tenants-file)"))
                        .anySatisfy(p -> assertThat(p).startsWith("PASARELA_PLANS_FILE (pasarela.plans-file)")));
        assertThat(mainThread(output.getOut() + output.getErr())).contains("has 5 problems").doesNotContain("Caused by");
    }

    /**
     * What the start itself printed: log records of the main thread and anything not a log record
     * (the failure report), without records of other threads, such as a Quartz scheduler of an
     * earlier test's context still logging its closed pool with a stack trace.
     */
    static String mainThread(String output) {
        StringBuilder kept = new StringBuilder();
        boolean keep = true;
        for (String line : output.split("\n", -1)) {
            if (line.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
                keep = line.contains("[           main]");
            } else if (line.startsWith("***") || line.startsWith("APPLICATION")) {
                keep = true; // the failure report, printed outside any log record
            }
            if (keep) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /** A refused store start is Spring Boot's report with the store's own action, not the generic one. */
    @Test
    void anEmbeddedStoreBesideAServerDatabaseIsRefusedWithWhatToSetInstead(CapturedOutput output) throws Exception {
        String database = PostgresDatabases.create("startup_store");
        try {
            assertThatThrownBy(() -> start("--pasarela.store.type=embedded",
                    "--spring.datasource.url=" + PostgresDatabases.url(database),
                    "--spring.datasource.username=" + PostgresDatabases.user()));
        } finally {
            PostgresDatabases.drop(database);
        }
        String out = mainThread(output.getOut() + output.getErr());
        assertThat(out).contains("APPLICATION FAILED TO START", "The business data store did not start",
                "Set PASARELA_STORE_TYPE=jdbc (or auto)").doesNotContain("Pasarela's configuration has");
    }

    /** A problem only a bean finds (an entry of the tenants file) is still one line, without a stack trace. */
    @Test
    void aProblemFoundWhileStartingIsOneLineWithoutAStackTrace(CapturedOutput output) throws Exception {
        Path file = dir.resolve("tenants-bad.yml");
        Files.writeString(file, "tenants:\n  - id: Not_Valid\n    name: x\n");
        assertThatThrownBy(() -> start("--pasarela.tenants-file=" + file));
        String out = mainThread(output.getOut() + output.getErr());
        assertThat(out).contains("APPLICATION FAILED TO START", "Pasarela's configuration has 1 problem:",
                "  - PASARELA_TENANTS_FILE").doesNotContain("Caused by", "\tat org.springframework");
    }

    @Test
    void refusesARouteWhoseProviderHasNoBeans() {
        assertThatThrownBy(() -> start("--camel.main.routes-include-pattern="
                + "classpath:camel/*.camel.yaml,classpath:camel-test/unknown-provider.camel.yaml"))
                .hasStackTraceContaining("Route template inbound-webhook for provider 'nobody' has no "
                        + "SignatureVerifier and no WebhookInterpreter bean");
    }

    private static String stack(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
