package org.vificlip.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.vificlip.BadInputException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML as PyYAML reads and writes it ({@code yaml.safe_load} in yacs): SnakeYAML with PyYAML's rules for
 * which plain scalars are ints and floats, so that every scalar comes out with the type Python gets.
 */
final class PyYaml {
    /** ViFi-CLIP's configs are a few hundred bytes; anything this big is not a config file. */
    private static final long MAX_BYTES = 16L << 20;

    private PyYaml() {
    }

    /**
     * PyYAML's implicit types. SnakeYAML's float rule also takes "1e-4" and "1e5"; PyYAML (YAML 1.1)
     * wants a dot and a signed exponent, so there "1e-4" is a string (which yacs then literal_evals to
     * a float; see {@link ConfigLoader}). Its int rule differs only in corner cases ("0b_").
     */
    static final class PyYamlResolver extends Resolver {
        static final Pattern PY_FLOAT = Pattern.compile(
                "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
                        + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
                        + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                        + "|[-+]?\\.(?:inf|Inf|INF)"
                        + "|\\.(?:nan|NaN|NAN))$");
        static final Pattern PY_INT = Pattern.compile(
                "^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
                        + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO", 10);
            addImplicitResolver(Tag.FLOAT, PY_FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.INT, PY_INT, "-+0123456789");
            addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
            addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
            addImplicitResolver(Tag.NULL, EMPTY, null, 10);
            addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, "0123456789", 50);
        }
    }

    /** Writes floats as PyYAML does: Python's repr, with ".0" added where YAML 1.1 needs a dot. */
    private static final class PyRepresenter extends Representer {
        PyRepresenter(DumperOptions options) {
            super(options);
            this.representers.put(Double.class, data -> representScalar(Tag.FLOAT, yamlFloat((Double) data)));
        }
    }

    static String yamlFloat(double d) {
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        String repr = PythonLiteral.reprFloat(d);
        return repr.indexOf('.') < 0 && repr.indexOf('e') >= 0 ? repr.replaceFirst("e", ".0e") : repr;
    }

    private static Yaml yaml() {
        LoaderOptions loader = new LoaderOptions();
        DumperOptions dumper = new DumperOptions();
        dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dumper.setIndent(2);
        dumper.setSplitLines(false);
        return new Yaml(new SafeConstructor(loader), new PyRepresenter(dumper), dumper, loader, new PyYamlResolver());
    }

    /**
     * The top-level mapping of a YAML file.
     *
     * @param includedBy the file whose BASE lists this one, or null; named when the file is missing
     */
    static Map<?, ?> readMapping(Path file, Path includedBy) throws BadInputException {
        String via = includedBy == null ? "" : " (listed in BASE of " + includedBy + ")";
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new BadInputException(file, "is a directory, not a YAML config file" + via);
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new BadInputException(file, "larger than " + (MAX_BYTES >> 20) + " MB: not a config file" + via);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file" + via);
        } catch (AccessDeniedException e) {
            throw new BadInputException(file, "not readable (permission denied)" + via);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + e.getMessage() + via, e);
        }
        return parseMapping(bytes, file);
    }

    /** The top-level mapping of YAML text; {@code file} is named in errors. */
    static Map<?, ?> parseMapping(byte[] bytes, Path file) throws BadInputException {
        Object doc;
        try {
            doc = yaml().load(new ByteArrayInputStream(bytes));
        } catch (MarkedYAMLException e) {
            throw new BadInputException(file, "not valid YAML: " + describe(e), e);
        } catch (YAMLException e) {
            throw new BadInputException(file, "not valid YAML: " + oneLine(e.getMessage()), e);
        } catch (RuntimeException e) {  // e.g. a NumberFormatException from a malformed int like 0b_
            throw new BadInputException(file, "not valid YAML: " + e, e);
        }
        if (doc == null) {
            throw new BadInputException(file, "is empty: expected a mapping of config keys (DATA:, TRAIN:, ...)");
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new BadInputException(file, "the top level is a " + ConfigLoader.pythonType(doc)
                    + ", not a mapping of config keys (DATA:, TRAIN:, ...)");
        }
        return map;
    }

    /** SnakeYAML's problem with its 1-based line and column, on one line. */
    private static String describe(MarkedYAMLException e) {
        StringBuilder sb = new StringBuilder();
        if (e.getContext() != null) {
            sb.append(oneLine(e.getContext())).append(at(e.getContextMark())).append(": ");
        }
        sb.append(oneLine(e.getProblem())).append(at(e.getProblemMark()));
        return sb.toString();
    }

    private static String at(Mark mark) {
        return mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** The tree as block YAML (no document markers). */
    static String dump(Map<String, Object> tree) {
        return yaml().dump(tree);
    }
}
