package org.vificlip.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vificlip.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parts of a Hugging Face {@code config.json} that matter here. The architecture itself is read off
 * the weights (as for every format); the config only tells what the weights cannot: the activation. OpenAI's
 * CLIP uses QuickGELU; a model trained with exact GELU (several LAION ones) would load but compute
 * something slightly different, so that is warned about.
 */
final class HuggingFaceConfig {

    private static final Logger log = LoggerFactory.getLogger(HuggingFaceConfig.class);

    private HuggingFaceConfig() {
    }

    static void check(Path configJson) throws IOException {
        JsonObject config;
        try {
            config = JsonParser.parseString(Files.readString(configJson)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new BadInputException(configJson, "not a JSON object (" + e.getMessage() + ")");
        }
        JsonElement type = config.get("model_type");
        if (type != null && !"clip".equals(type.getAsString())) {
            throw new BadInputException(configJson, "model_type '" + type.getAsString() + "', expected 'clip'");
        }
        for (String tower : new String[]{"text_config", "vision_config"}) {
            if (config.get(tower) instanceof JsonObject t && t.get("hidden_act") != null
                    && !"quick_gelu".equals(t.get("hidden_act").getAsString())) {
                log.warn("{}: {}.hidden_act is '{}'; this implementation uses OpenAI CLIP's quick_gelu",
                        configJson, tower, t.get("hidden_act").getAsString());
            }
        }
    }
}
