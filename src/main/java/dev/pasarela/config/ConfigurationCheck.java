package dev.pasarela.config;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Binds and checks every {@code @ConfigurationProperties} record of the gateway before any bean is
 * made, and stops the start with all the problems at once. Spring Boot would bind them one bean at
 * a time and stop at the first, so an operator with three missing variables would need three
 * starts to learn of them. Values are never shown: they may be secrets.
 */
@Component
public class ConfigurationCheck implements BeanFactoryPostProcessor, EnvironmentAware {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beans) {
        List<String> problems = new ArrayList<>();
        Binder binder = Binder.get(environment);
        try (ValidatorFactory validation = Validation.byDefaultProvider().configure()
                .messageInterpolator(new org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator())
                .buildValidatorFactory()) {
            SpringValidatorAdapter validator = new SpringValidatorAdapter(validation.getValidator());
            for (String name : beans.getBeanDefinitionNames()) {
                Class<?> type = beans.getType(name, false);
                ConfigurationProperties annotation = type == null ? null
                        : AnnotationUtils.findAnnotation(type, ConfigurationProperties.class);
                if (annotation == null || !type.getPackageName().startsWith("dev.pasarela")) {
                    continue;
                }
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                check(binder, validator, prefix, type, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems.stream().distinct().toList());
        }
    }

    private void check(Binder binder, SpringValidatorAdapter validator, String prefix, Class<?> type,
                       List<String> problems) {
        try {
            Object bound = binder.bindOrCreate(prefix, Bindable.of(type), new ValidationBindHandler(validator));
            if (bound instanceof SelfChecking self) {
                problems.addAll(self.problems());
            }
        } catch (BindException e) {
            if (e.getCause() instanceof BindValidationException invalid) {
                for (ObjectError error : invalid.getValidationErrors()) {
                    String property = error instanceof FieldError field
                            ? invalid.getValidationErrors().getName() + "." + kebab(field.getField())
                            : invalid.getValidationErrors().getName().toString();
                    problems.add(variable(property) + ": " + error.getDefaultMessage());
                }
            } else {
                String property = (e.getProperty() != null ? e.getProperty().getName() : e.getName()).toString();
                problems.add(variable(property) + ": not a valid value for " + e.getTarget().getType());
            }
        }
    }

    /** The environment variable an operator sets for a property, as application.yml names it, and the property. */
    String variable(String property) {
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> e && e.containsProperty(property)) {
                    Object raw = e.getProperty(property);
                    Matcher m = raw == null ? null : PLACEHOLDER.matcher(raw.toString());
                    if (m != null && m.matches()) {
                        return m.group(1) + " (" + property + ")";
                    }
                }
            }
        }
        return property.toUpperCase(Locale.ROOT).replaceAll("[.\\-\\[\\]]+", "_").replaceAll("_$", "")
                + " (" + property + ")";
    }

    private static String kebab(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
