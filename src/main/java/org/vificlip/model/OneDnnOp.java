package org.vificlip.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An op of ours in a SameDiff graph, run in Java through oneDNN by {@link OneDnnSession} (libnd4j does not
 * know it). Arguments are integers only ({@code iArgs}), outputs float32 in the first input's type.
 * <p>
 * SameDiff clones every op through its serialised form when it builds the backward graph, and its
 * deserialiser finds an op's class by name in ND4J's op table: ours are put there first
 * ({@link #registerAll}).
 */
abstract class OneDnnOp extends DynamicCustomOp {
    /** For ND4J's deserialiser (subclasses need a public no-argument constructor). */
    OneDnnOp() {
    }

    OneDnnOp(SameDiff sd, SDVariable[] inputs, long... integerArguments) {
        super(null, sd, inputs);
        if (integerArguments.length > 0) {
            addIArgument(integerArguments);
        }
    }

    /**
     * Puts every op of ours in ND4J's table of op names, where its deserialiser looks an op's class up when
     * SameDiff builds a backward graph ({@link BackwardGraph#build} calls this first). Again at every
     * build: the table is ND4J's, shared by every copy of these classes in the JVM (benchmarks/train/ab.sh
     * runs two builds side by side), and each build's graphs must get its own classes back.
     */
    static void registerAll() {
        List<OneDnnOp> ours = List.of(new AttentionCore.Forward(), new AttentionCore.Backward(),
                new LayerNorm.Forward(), new LayerNorm.Backward(), new QuickGelu.Forward(), new QuickGelu.Backward());
        synchronized (ImportClassMapping.class) {
            ours.forEach(op -> ImportClassMapping.getOpNameMapping().put(op.opName(), op));
        }
    }

    /** Computes the outputs, which the session has allocated with {@link #outputShapes}. */
    abstract void run(OpContext context);

    /** The outputs' shapes for these inputs (the context's input arrays and integer arguments are set). */
    abstract List<long[]> outputShapes(OpContext context);

    @Override
    public abstract String opName();

    @Override
    public final List<LongShapeDescriptor> calculateOutputShape(OpContext context) {
        DataType type = context.getInputArray(0).dataType();
        return outputShapes(context).stream().map(shape -> LongShapeDescriptor.fromShape(shape, type)).toList();
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> inputTypes) {
        return Collections.nCopies(getNumOutputs(), inputTypes.get(0));
    }

    /** Input i as one dense row-major block, which oneDNN's element-wise and normalisation kernels want. */
    static OneDnn.Operand operand(OpContext context, int i) {
        return OneDnn.Operand.of(dense(context.getInputArray(i)));
    }

    /** {@code array} itself if it is one dense row-major block, else such a copy of it. */
    static INDArray dense(INDArray array) {
        return array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
    }

    /** The i-th integer argument. */
    int integer(int i) {
        return (int) iArgs()[i];
    }

    /** ND4J's op descriptors do not know our ops: there are no named properties to map. */
    @Override
    public Map<String, Object> propertiesForFunction() {
        return Map.of();
    }

    @Override
    public void setPropertiesForFunction(Map<String, Object> properties) {
    }
}
