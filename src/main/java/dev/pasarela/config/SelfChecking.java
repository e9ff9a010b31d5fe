package dev.pasarela.config;

import java.util.List;

/**
 * A configuration record with rules Bean Validation cannot say (a list of keys to parse, one
 * setting that depends on another). Each problem names the variable and never shows its value.
 */
public interface SelfChecking {

    List<String> problems();
}
