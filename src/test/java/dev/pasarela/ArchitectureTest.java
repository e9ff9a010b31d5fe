package dev.pasarela;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of docs/architecture.md, enforced: no package cycles, a provider-agnostic pipeline,
 * provider packages that do not know each other, and each provider's SDK used only in its package.
 */
class ArchitectureTest {

    /** Every provider family with a package under {@code integrations/}, as its names appear in code. */
    static final String PROVIDER_NAMES =
            ".*(Stripe|Meta|WhatsApp|Whatsapp|Messenger|Instagram|Facebook|Graph|Twilio|Sms|SendGrid|Resend|Email"
                    + "|OpenAi|Anthropic).*";

    /** A provider SDK's root package, and the only package allowed to use it. */
    static final Map<String, String> SDK_HOMES = Map.of(
            "com.stripe..", "dev.pasarela.integrations.stripe..",
            "com.twilio..", "dev.pasarela.integrations.twilio..",
            "com.sendgrid..", "dev.pasarela.integrations.email..",
            "com.svix..", "dev.pasarela.integrations.email..",
            "com.google.cloud.firestore..", "dev.pasarela.store..",
            "org.rocksdb..", "dev.pasarela.store.embedded..",
            "com.google.cloud.storage..", "dev.pasarela.integrations.storage..",
            "dev.langchain4j..", "dev.pasarela.integrations.ai..",
            "com.openai..", "dev.pasarela.integrations.ai..",
            "com.anthropic..", "dev.pasarela.integrations.ai..");

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pasarela");
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.pasarela.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void thePipelineNamesNoProvider() {
        ArchRule noProviderCode = noClasses().that().resideInAPackage("dev.pasarela.pipeline..")
                .should().dependOnClassesThat().resideInAPackage("dev.pasarela.integrations..")
                .because("pipeline/ holds the provider-agnostic stages; providers plug into its SPIs");
        noProviderCode.check(classes);
        noClasses().that().resideInAPackage("dev.pasarela.pipeline..")
                .should().haveNameMatching(PROVIDER_NAMES)
                .because("a provider's quirks stay in its package")
                .check(classes);
    }

    @Test
    void providerPackagesDoNotKnowEachOther() {
        slices().matching("dev.pasarela.integrations.(*)..").should().notDependOnEachOther().check(classes);
    }

    @Test
    void eachProviderSdkIsUsedOnlyInItsOwnPackage() {
        SDK_HOMES.forEach((sdk, home) -> noClasses().that().resideOutsideOfPackage(home)
                .should().dependOnClassesThat().resideInAPackage(sdk)
                .because(sdk + " belongs to " + home)
                .allowEmptyShould(true)
                .check(classes));
    }

    @Test
    void theStoreAndThePipelineAreTheFoundation() {
        noClasses().that().resideInAPackage("dev.pasarela.store..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.pasarela.store..", "java..", "javax..",
                        "jakarta..", "org.springframework..", "org.slf4j..", "com.fasterxml.jackson..", "com.google..",
                        "io.grpc..", "org.h2..", "org.postgresql..", "org.rocksdb..")
                .because("the store is shaped like Firestore and knows nothing of the gateway")
                .check(classes);
        noClasses().that().resideInAPackage("dev.pasarela.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pasarela.tenants..",
                        "dev.pasarela.messaging..", "dev.pasarela.notifications..", "dev.pasarela.callbacks..",
                        "dev.pasarela.security..", "dev.pasarela.ops..")
                .because("concepts plug into the pipeline's SPIs (EventSink, TenantDirectory, DeadLetterListener),"
                        + " never the other way round")
                .check(classes);
    }
}
