import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { geluTanh } from '../../../src-main/engine/model/reference.js';
import { GraphBuilder } from '../../../src-main/engine/onnx/graph.js';
import { createSession, floatTensor } from '../../../src-main/engine/onnx/session.js';

describe('GraphBuilder', () => {
  it('builds a model onnxruntime runs: weights, attributes, symbolic dims, several outputs', async () => {
    const graph = new GraphBuilder('test');
    const x = graph.input('x', 'float', ['rows', 3]);
    const product = graph.node('MatMul', [x, graph.weight('w', [3, 2], () => Float32Array.of(1, 2, 3, 4, 5, 6))]);
    graph.node('Gelu', [product], { approximate: 'tanh' }, { output: 'gelu' });
    graph.node('ReduceSum', [x, graph.int64s([-1])], { keepdims: 0 }, { output: 'sums' });
    graph.output('gelu', 'float', ['rows', 2]);
    graph.output('sums', 'float', ['rows']);
    const session = await createSession(graph.toBytes(), 'cpu');
    const outputs = await session.run({ x: floatTensor(Float32Array.of(1, -1, 0.5, 0, 0.25, -3), [2, 3]) });
    const expected = [0.5, 1, -14.75, -17.5].map(geluTanh);
    (outputs.gelu!.data as Float32Array).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
    expect([...(outputs.sums!.data as Float32Array)]).toEqual([0.5, -2.75]);
    await session.release();
  });

  it('refuses a weight whose values do not fill its shape', () => {
    const graph = new GraphBuilder('short');
    const x = graph.input('x', 'float', [2]);
    graph.node('Add', [x, graph.weight('bias', [3], () => Float32Array.of(1, 2))], undefined, { output: 'y' });
    graph.output('y', 'float', [2]);
    expect(() => graph.toBytes()).toThrow("Weight 'bias' has 2 values, expected 3.");
  });

  it('writes int64 constants onnxruntime reads back', async () => {
    const graph = new GraphBuilder('shape');
    const x = graph.input('x', 'float', [6]);
    graph.node('Reshape', [x, graph.int64s([2, -1])], undefined, { output: 'y' });
    graph.output('y', 'float', [2, 3]);
    const session = await createSession(graph.toBytes(), 'cpu');
    const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array(6), [6]) });
    expect(y!.dims).toEqual([2, 3]);
    await session.release();
  });
});
