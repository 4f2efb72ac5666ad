package org.vificlip.model;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftmaxBp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.DivBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Builds a graph's backward graph ({@link Graphs#GRADIENT_FUNCTION}) and trims what it keeps alive.
 * <p>
 * M2.1's session keeps an activation from the forward pass until the last op that reads it has run. Several
 * of M2.1's gradient ops read an activation they need only for its shape, or could do without:
 * <ul>
 *   <li>{@code add_bp(x, y, dz)} and {@code sub_bp} take both operands, though the gradient of a sum is
 *   {@code dz}, summed over the axes an operand was broadcast along;</li>
 *   <li>{@code softmax_bp(x, ds)} takes the softmax's input and computes the softmax again, though the
 *   gradient needs only its output {@code s}, which the next matmul's gradient keeps anyway.</li>
 * </ul>
 * In ViT-B/16 these held the matmul outputs before their biases, the LayerNorms' {@code normed × gain}, the
 * residual stream and the attention scores: at B=1, T=8, 10 prompts the step's live arrays peaked at 2.55 GB
 * with them. {@link #build} rewires each such op to an array of the same shape that is alive anyway (its
 * upstream gradient), and replaces {@code softmax_bp} by {@code s·ds − s·sum(s·ds)}. The gradients are
 * the same; the gradient parity tests against PyTorch check every graph the model builds.
 * <p>
 * It also takes the gradients of parameters broadcast into a sum or product (biases, LayerNorm gains,
 * embeddings) out of M2.1's {@code add_bp}/{@code mul_bp}, whose broadcast reductions are slow, and computes
 * them as column sums by a matrix-vector product ({@link #parameterGradientsAsSums}), and computes the input
 * gradients of the LayerNorms and QuickGELUs by their formulas instead of M2.1's chains of ops
 * ({@link #replaceLayerNormGradient}, {@link #replaceQuickGeluGradient}).
 * <p>
 * This rests on a rule the model keeps: the first operand of an {@code add} or {@code sub} is never the
 * broadcast one ({@code x.add(bias)}, never {@code bias.add(x)}). Where the second has the result's shape
 * too (the residual connections), the sum is built by {@link #sumOfSameShape}, which says so in its name.
 * ({@code mergeAdd} would say it by its type, but M2.1's {@code mergeadd}/{@code mergeadd_bp} made a ViT-B/16
 * step nearly twice as slow.)
 */
final class BackwardGraph {
    /** Ends the name of a sum's second operand that has the sum's shape. */
    private static final String SAME_SHAPE_OPERAND = "/same_shape_operand";
    /** Ends the name of an activation known to be [rows, width], whose column sums need no reshape. */
    private static final String ROWS = "/rows";
    /** Ends the name of a QuickGELU's output {@code x·sigmoid(1.702x)}, whose input gradient {@link #replaceQuickGeluGradient} builds. */
    private static final String QUICK_GELU = "/quick_gelu";
    /** Ends the name of a LayerNorm's {@code (x − mean)/std}, whose input gradient {@link #replaceLayerNormGradient} builds. */
    private static final String NORMALISED = "/layer_norm_normalised";

    private BackwardGraph() {
    }

    /** {@code x + y} for two activations of the same shape: the backward graph then keeps neither. */
    static SDVariable sumOfSameShape(SDVariable x, SDVariable y) {
        return x.add(y.rename(y.name() + SAME_SHAPE_OPERAND));
    }

    /**
     * Names {@code x} as a [rows, width] matrix: the gradient of a parameter broadcast along its rows (a
     * bias, a gain) is then its column sums as they are ({@link #parameterGradientsAsSums}), without the
     * reshape (a copy in M2.1) that an operand of unknown rank needs.
     */
    static SDVariable rows(SDVariable x) {
        return x.rename(x.name() + ROWS);
    }

    /** {@code x·s}, s = sigmoid(1.702x) computed from x: the backward graph then computes the gradient of x in one formula. */
    static SDVariable quickGelu(SDVariable x, SDVariable s) {
        SDVariable y = x.mul(s);
        return y.rename(y.name() + QUICK_GELU);
    }

    /**
     * A LayerNorm's {@code centred / std} ({@code centred = x − mean(x)}, {@code std} of shape [rows, 1]): the
     * backward graph then computes the gradient of {@code x} in one formula ({@link #replaceLayerNormGradient}).
     */
    static SDVariable layerNormalised(SDVariable centred, SDVariable std) {
        SDVariable normalised = centred.div(std);
        return normalised.rename(normalised.name() + NORMALISED);
    }

    /**
     * Builds {@code sd}'s backward graph, with gradients also for the named placeholders, and trims it as
     * the class comment explains. M2.1 prints a line per differentiated op to standard output while
     * building; that is silenced here.
     */
    static void build(SameDiff sd, String... placeholdersNeedingGradients) {
        OneDnnOp.registerAll();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction(placeholdersNeedingGradients);
        } finally {
            System.setOut(stdout);
        }
        trim(sd.getFunction(Graphs.GRADIENT_FUNCTION));
    }

    /** @return how many gradient ops were rewired or replaced */
    static int trim(SameDiff backward) {
        Set<String> rowsOperands = opsWithRowsOperand(backward);
        int changed = releaseSumOperands(backward);
        changed += softmaxGradientsFromOutputs(backward);
        changed += parameterGradientsAsSums(backward, rowsOperands);
        Set<String> keep = requestableGradients(backward);
        Map<Long, SDVariable> averagers = new HashMap<>();
        changed += replaceEach(backward, NORMALISED, name -> replaceLayerNormGradient(backward, name, keep, averagers));
        changed += replaceEach(backward, QUICK_GELU, name -> replaceQuickGeluGradient(backward, name, keep));
        return changed;
    }

    /** Calls {@code replace} for each variable whose name ends with {@code suffix}; counts the true answers. */
    private static int replaceEach(SameDiff backward, String suffix, Predicate<String> replace) {
        int replaced = 0;
        for (String name : List.copyOf(backward.getVariables().keySet())) {
            if (name.endsWith(suffix) && replace.test(name)) {
                replaced++;
            }
        }
        return replaced;
    }

    /**
     * Rewires {@code add_bp}/{@code sub_bp} to read their upstream gradient instead of their first operand,
     * and of their second if {@link #sumOfSameShape} named it so.
     */
    private static int releaseSumOperands(SameDiff backward) {
        int rewired = 0;
        for (SameDiffOp op : List.copyOf(backward.getOps().values())) {
            DifferentialFunction function = op.getOp();
            if (!(function instanceof AddBpOp || function instanceof SubBpOp)) {
                continue;
            }
            List<String> inputs = op.getInputsToOp();              // [x, y, dz]
            String upstream = inputs.get(2);
            for (int i = 0; i < 2; i++) {
                String operand = inputs.get(i);
                boolean sameShape = i == 0 || operand.endsWith(SAME_SHAPE_OPERAND);
                if (sameShape && isActivation(backward, operand) && !operand.equals(upstream)) {
                    rewire(backward, op, i, upstream);
                    rewired++;
                }
            }
        }
        return rewired;
    }

    /** Replaces each {@code softmax_bp(x, ds)} by {@code s·ds − s·sum(s·ds)}, s the forward softmax's output. */
    private static int softmaxGradientsFromOutputs(SameDiff backward) {
        int replaced = 0;
        for (SameDiffOp op : List.copyOf(backward.getOps().values())) {
            if (!(op.getOp() instanceof SoftmaxBp softmaxBp)) {
                continue;
            }
            String input = op.getInputsToOp().get(0);
            SameDiffOp softmax = backward.getVariables().get(input).getInputsForOp().stream()
                    .map(name -> backward.getOps().get(name))
                    .filter(consumer -> consumer.getOp() instanceof SoftMax)
                    .findFirst().orElse(null);
            if (softmax == null) {
                continue;
            }
            int axis = softmaxBp.getIArgument(0).intValue();
            SDVariable s = backward.getVariable(softmax.getOutputsOfOp().get(0));
            SDVariable ds = backward.getVariable(op.getInputsToOp().get(1));
            SDVariable weighted = s.mul(ds);
            SDVariable gradient = weighted.sub(s.mul(weighted.sum(true, axis)));
            replaceOutputs(backward, op, List.of(gradient), List.of(true));
            replaced++;
        }
        return replaced;
    }

    /**
     * Replaces {@code add_bp(x, w, dz)} and {@code mul_bp(x, w, dz)} for a parameter {@code w} (a bias, a
     * LayerNorm gain) broadcast over the leading axes of {@code x}: {@code dx} is {@code dz} or
     * {@code dz·w}, and {@code dw} the column sums of {@code dz} or {@code dz·x} seen as [rows, w's size].
     * M2.1's kernels reduce a broadcast gradient slowly: ViT-B/16, B=1, T=8, 10 prompts spent 0.53 s a step
     * in the LayerNorms' 25 {@code mul_bp} ops ([1576, 768], 21 ms each) and 0.33 s in {@code add_bp}.
     * A parameter with a dimension of size 1 might broadcast along it, and is left to M2.1's op.
     */
    private static int parameterGradientsAsSums(SameDiff backward, Set<String> rowsOperands) {
        Map<String, SDVariable> onesByGradient = new HashMap<>();   // a LayerNorm's gain and bias share dz
        int replaced = 0;
        for (SameDiffOp op : List.copyOf(backward.getOps().values())) {
            boolean sum = op.getOp() instanceof AddBpOp;
            if (!sum && !(op.getOp() instanceof MulBpOp)) {
                continue;
            }
            List<String> inputs = op.getInputsToOp();              // [x (dz once released), w, dz]
            SDVariable w = backward.getVariable(inputs.get(1));
            if (!isBroadcastParameter(w)) {
                continue;
            }
            SDVariable x = backward.getVariable(inputs.get(0));
            SDVariable dz = backward.getVariable(inputs.get(2));
            long[] shape = w.getShape();
            SDVariable dx = sum ? dz : dz.mul(w);
            SDVariable summed = sum ? dz : dz.mul(x);
            SDVariable dw;
            if (rowsOperands.contains(op.getName())) {
                dw = backward.mmul(summed, onesByGradient.computeIfAbsent(dz.name(), k -> onesColumn(backward, dz)),
                        true, false, false);
            } else {
                SDVariable m = backward.reshape(summed, -1, ArrayUtil.prodLong(shape));
                dw = backward.mmul(m, onesColumn(backward, m), true, false, false);
            }
            if (!readers(backward, op.getOutputsOfOp().get(1)).isEmpty()) {
                dw = backward.reshape(dw, shape);   // else [size, 1]: Graphs.gradientsAndOutputs gives it w's shape
            }
            replaceOutputs(backward, op, List.of(dx, dw), List.of(!sum, true));
            replaced++;
        }
        return replaced;
    }

    /** The {@code add_bp}/{@code mul_bp} ops whose first operand is named {@link #rows}, or a LayerNorm's. */
    private static Set<String> opsWithRowsOperand(SameDiff backward) {
        Set<String> ops = new HashSet<>();
        for (SameDiffOp op : backward.getOps().values()) {
            if (op.getOp() instanceof AddBpOp || op.getOp() instanceof MulBpOp) {
                String operand = op.getInputsToOp().get(0);
                if (operand.endsWith(ROWS) || operand.endsWith(NORMALISED)) {
                    ops.add(op.getName());
                }
            }
        }
        return ops;
    }

    /**
     * Replaces what M2.1 derives for each LayerNorm's input ({@link #layerNormalised}) by the textbook formula
     * <pre>
     *   dx = (dn − mean(dn) − n·mean(dn·n)) / std       (rows' means; n the normalised rows, dn their gradient)
     * </pre>
     * M2.1's chain ({@code divide_bp}, the variance's, the scalar ops', {@code subtract_bp}, the mean's and
     * two sums) made about a dozen passes over [rows, width], with its slow broadcast reductions: ViT-B/16,
     * B=1, T=8, 10 prompts, 0.3 s a step over the vision tower's 25 LayerNorms ({@code divide_bp} alone 6 ms
     * each). The formula is five passes and two matrix-vector products, and no longer keeps
     * {@code x − mean} alive for the backward pass.
     * <p>
     * M2.1 adds the gradient of {@code x} from its two readers, {@code subtract_bp}'s (x − mean) and then
     * the mean's: the first is replaced by the formula, the sum that adds the second is taken out, and the
     * chain that fed them goes. A LayerNorm whose graph does not look like that is left as is.
     *
     * @param averagers per width W, the constant column [W, 1] of 1/W ({@link LayerNorm#averager}): a row's
     *                  mean as a matrix-vector product
     */
    private static boolean replaceLayerNormGradient(SameDiff backward, String normalisedName, Set<String> keep,
                                                    Map<Long, SDVariable> averagers) {
        SameDiffOp gain = reader(backward, normalisedName, op -> op.getOp() instanceof MulOp
                && isBroadcastParameter(backward.getVariable(op.getInputsToOp().get(1))));
        SameDiffOp divide = producer(backward, normalisedName);
        String centred = divide.getInputsToOp().get(0);
        String std = divide.getInputsToOp().get(1);
        SameDiffOp divideBp = reader(backward, centred, op -> op.getOp() instanceof DivBpOp
                && op.getInputsToOp().get(1).equals(std));
        String mean = producer(backward, centred).getInputsToOp().get(1);
        SameDiffOp subtractBp = reader(backward, mean, op -> op.getOp() instanceof SubBpOp);
        SameDiffOp meanBp = subtractBp == null ? null : reader(backward, subtractBp.getOutputsOfOp().get(1), op -> true);
        if (gain == null || divideBp == null || meanBp == null) {
            return false;
        }
        long width = ArrayUtil.prodLong(backward.getVariable(gain.getInputsToOp().get(1)).getShape());
        return replaceSummedGradient(backward, subtractBp.getOutputsOfOp().get(0), meanBp.getOutputsOfOp().get(0), () -> {
            SDVariable averager = averagers.computeIfAbsent(width, w -> LayerNorm.averager(backward, w));
            SDVariable n = backward.getVariable(normalisedName);
            SDVariable dn = backward.getVariable(divideBp.getInputsToOp().get(2));
            SDVariable rowMean = backward.mmul(dn, averager);
            SDVariable rowMeanOfProduct = backward.mmul(dn.mul(n), averager);
            return dn.sub(rowMean).sub(n.mul(rowMeanOfProduct)).div(backward.getVariable(std));
        }, keep, divideBp, subtractBp, meanBp);
    }

    /**
     * Replaces what M2.1 derives for each QuickGELU {@code y = x·s}, {@code s = sigmoid(a·x)}
     * ({@link #quickGelu}), by {@code dx = dy·(s + a·y·(1 − s))}, from the two arrays the backward pass keeps
     * anyway ({@code y} for the next matmul's gradient). M2.1's chain ({@code multiply_bp},
     * {@code sigmoid_bp}, which computes the sigmoid again, the scalar product's and a sum) made seven
     * passes over [rows, 3072] and kept {@code x} and {@code a·x}; its one-op {@code gelu} instead had a
     * derivative op that took 22 ms on [1576, 3072] (twice its forward op) and was NaN above x = 26.
     */
    private static boolean replaceQuickGeluGradient(SameDiff backward, String outputName, Set<String> keep) {
        SameDiffOp product = producer(backward, outputName);
        String x = product.getInputsToOp().get(0);
        String s = product.getInputsToOp().get(1);
        SameDiffOp productBp = reader(backward, s, op -> op.getOp() instanceof MulBpOp);
        SameDiffOp sigmoidBp = productBp == null ? null : reader(backward, productBp.getOutputsOfOp().get(1), op -> true);
        SameDiffOp scaleBp = sigmoidBp == null ? null : reader(backward, sigmoidBp.getOutputsOfOp().get(0), op -> true);
        if (scaleBp == null || !productBp.getInputsToOp().get(0).equals(x)) {
            return false;
        }
        return replaceSummedGradient(backward, productBp.getOutputsOfOp().get(0), scaleBp.getOutputsOfOp().get(0), () -> {
            SDVariable y = backward.getVariable(outputName);
            SDVariable sigmoid = backward.getVariable(s);
            SDVariable derivative = y.mul(sigmoid.rsub(1.0)).mul(QuickGelu.SIGMOID_SCALE).add(sigmoid);
            return backward.getVariable(productBp.getInputsToOp().get(2)).mul(derivative);
        }, keep, productBp, sigmoidBp, scaleBp);
    }

    /**
     * Makes {@code gradient} the whole gradient of a variable to which M2.1 adds two contributions,
     * {@code first} (possibly after others) and then {@code second} by a sum of its own: readers of
     * {@code first} read {@code gradient} instead, the sum that adds {@code second} goes (its other operand
     * takes its name), and so do the ops in {@code chain} and what only they read.
     *
     * @return false, changing nothing, if the graph is not built that way
     */
    private static boolean replaceSummedGradient(SameDiff backward, String first, String second,
                                                 Supplier<SDVariable> gradient, Set<String> keep,
                                                 SameDiffOp... chain) {
        SameDiffOp sum = reader(backward, second, op -> op.getOp() instanceof AddOp);
        if (sum == null || !sum.getInputsToOp().get(1).equals(second)
                || readers(backward, sum.getInputsToOp().get(0)).size() != 1
                || keep.contains(sum.getInputsToOp().get(0))) {
            return false;
        }
        rewireReaders(backward, first, gradient.get().name());
        String before = sum.getInputsToOp().get(0);
        String total = sum.getOutputsOfOp().get(0);
        List<String> totalReaders = new ArrayList<>(readers(backward, total));
        removeOp(backward, sum);
        backward.getVariables().remove(total);
        backward.renameVariable(before, total);
        backward.getVariables().get(total).setInputsForOp(totalReaders);
        removeUnread(backward, Set.of(chain), keep);
        return true;
    }

    /** Names of the gradients callers may ask for: those of parameters and inputs. */
    private static Set<String> requestableGradients(SameDiff backward) {
        Set<String> names = new HashSet<>();
        backward.getVariables().values().stream()
                .filter(v -> v.getGradient() != null && (v.getVariable().getVariableType() == VariableType.VARIABLE
                        || v.getVariable().getVariableType() == VariableType.PLACEHOLDER))
                .forEach(v -> names.add(v.getGradient().name()));
        return names;
    }

    /** Removes {@code ops} if nothing reads their outputs, then the ops that only they read, and so on. */
    private static void removeUnread(SameDiff graph, Set<SameDiffOp> ops, Set<String> keep) {
        Set<SameDiffOp> next = new LinkedHashSet<>();
        for (SameDiffOp op : ops) {
            boolean unread = graph.getOps().containsKey(op.getName()) && op.getOutputsOfOp().stream()
                    .allMatch(out -> readers(graph, out).isEmpty() && !keep.contains(out));
            if (!unread) {
                continue;
            }
            removeOp(graph, op);
            op.getOutputsOfOp().forEach(graph.getVariables()::remove);
            for (String input : op.getInputsToOp()) {
                SameDiffOp producer = producer(graph, input);
                if (producer != null) {
                    next.add(producer);
                }
            }
        }
        if (!next.isEmpty()) {
            removeUnread(graph, next, keep);
        }
    }

    /** Takes {@code op} out of the graph and off its inputs' reader lists; its outputs stay. */
    private static void removeOp(SameDiff graph, SameDiffOp op) {
        for (String input : op.getInputsToOp()) {
            graph.getVariables().get(input).getInputsForOp().remove(op.getName());
        }
        graph.getOps().remove(op.getName());
    }

    private static SameDiffOp producer(SameDiff graph, String variable) {
        Variable v = graph.getVariables().get(variable);
        return v == null || v.getOutputOfOp() == null ? null : graph.getOps().get(v.getOutputOfOp());
    }

    private static List<String> readers(SameDiff graph, String variable) {
        List<String> readers = graph.getVariables().get(variable).getInputsForOp();
        return readers == null ? List.of() : readers;
    }

    /** The one op reading {@code variable} that {@code which} accepts, or null. */
    private static SameDiffOp reader(SameDiff graph, String variable, Predicate<SameDiffOp> which) {
        List<SameDiffOp> found = readers(graph, variable).stream().map(graph.getOps()::get).filter(which).toList();
        return found.size() == 1 ? found.get(0) : null;
    }

    /**
     * Ones, [rows, 1], for {@code m}'s column sums as {@code mᵀ·1}: M2.1 sums a [1576, 3072] array over its
     * rows in 12 ms ({@code reduce_sum} along dimension 0; 1.7 ms along dimension 1), a matrix-vector
     * product in 0.4 ms.
     */
    private static SDVariable onesColumn(SameDiff graph, SDVariable m) {
        return graph.onesLike(m.get(SDIndex.all(), SDIndex.interval(0, 1)));
    }

    /**
     * A parameter or constant with a shape of its own and no axis of size 1 (a bias, a gain, a positional
     * embedding): one {@link #parameterGradientsAsSums} takes out of M2.1's ops.
     */
    static boolean isBroadcastParameter(SDVariable w) {
        long[] shape = w.getShape();
        boolean parameter = w.getVariableType() == VariableType.VARIABLE || w.getVariableType() == VariableType.CONSTANT;
        return parameter && shape != null && shape.length > 0 && Arrays.stream(shape).noneMatch(size -> size == 1);
    }

    private static boolean isActivation(SameDiff graph, String variable) {
        return graph.getVariable(variable).getVariableType() == VariableType.ARRAY;
    }

    /** Makes every op that reads {@code variable} read {@code replacement} instead. */
    private static void rewireReaders(SameDiff graph, String variable, String replacement) {
        for (String reader : List.copyOf(readers(graph, variable))) {
            SameDiffOp op = graph.getOps().get(reader);
            for (int i = 0; i < op.getInputsToOp().size(); i++) {
                if (op.getInputsToOp().get(i).equals(variable)) {
                    rewire(graph, op, i, replacement);
                }
            }
        }
    }

    /** Makes {@code op} read {@code replacement} as its input {@code index}. */
    private static void rewire(SameDiff graph, SameDiffOp op, int index, String replacement) {
        List<String> inputs = new ArrayList<>(op.getInputsToOp());
        String old = inputs.set(index, replacement);
        op.setInputsToOp(inputs);
        if (!inputs.contains(old)) {
            graph.getVariables().get(old).getInputsForOp().remove(op.getName());
        }
        Variable replaced = graph.getVariables().get(replacement);
        if (replaced.getInputsForOp() == null) {
            replaced.setInputsForOp(new ArrayList<>());   // a variable nothing reads yet has no list
        }
        if (!replaced.getInputsForOp().contains(op.getName())) {
            replaced.getInputsForOp().add(op.getName());
        }
    }

    /**
     * Points every reader of {@code op}'s outputs at the replacements, then removes {@code op}. A replacement
     * the rewrite created takes over its output's name, so a parameter's gradient keeps the name
     * {@link Graphs#gradientsAndOutputs} asks for.
     */
    private static void replaceOutputs(SameDiff graph, SameDiffOp op, List<SDVariable> replacements,
                                       List<Boolean> created) {
        List<String> outputs = List.copyOf(op.getOutputsOfOp());
        for (int k = 0; k < outputs.size(); k++) {
            rewireReaders(graph, outputs.get(k), replacements.get(k).name());
        }
        removeOp(graph, op);
        for (int k = 0; k < outputs.size(); k++) {
            graph.getVariables().remove(outputs.get(k));
            if (created.get(k)) {
                graph.renameVariable(replacements.get(k).name(), outputs.get(k));
            }
        }
    }
}
