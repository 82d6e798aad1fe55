import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { encodeMessage, type Message } from '../../../src-main/engine/onnx/proto.js';

/** The same fields written by protobufjs's own Writer, as an independent encoder. */
function protobufjsBytes(write: (writer: protobuf.Writer) => void): Uint8Array {
  const writer = protobuf.Writer.create();
  write(writer);
  return new Uint8Array(writer.finish());
}

describe('encodeMessage', () => {
  it.each([0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 5, -1, -300])('writes the varint %d as protobuf does', (value) => {
    const ours = encodeMessage([{ number: 3, varint: value }]);
    expect(ours).toEqual(protobufjsBytes((writer) => writer.uint32((3 << 3) | 0).int64(value)));
  });

  it('writes floats, strings, bytes and nested messages as protobuf does', () => {
    const inner: Message = [{ number: 1, bytes: 'héllo' }, { number: 2, float: -1.5 }];
    const ours = encodeMessage([{ number: 7, message: inner }, { number: 9, bytes: Uint8Array.of(1, 2, 3) }, { number: 20, varint: 4 }]);
    const expected = protobufjsBytes((writer) => {
      writer.uint32((7 << 3) | 2).fork().uint32((1 << 3) | 2).string('héllo').uint32((2 << 3) | 5).float(-1.5).ldelim();
      writer.uint32((9 << 3) | 2).bytes(Uint8Array.of(1, 2, 3));
      writer.uint32((20 << 3) | 0).int32(4);
    });
    expect(ours).toEqual(expected);
  });

  it('writes deferred bytes in place, reading them only once', () => {
    let reads = 0;
    const deferred = { byteLength: 4, writeInto: (target: Uint8Array) => void (reads++, target.set([9, 8, 7, 6])) };
    const ours = encodeMessage([{ number: 1, message: [{ number: 9, bytes: deferred }] }]);
    expect(ours).toEqual(protobufjsBytes((writer) => writer.uint32((1 << 3) | 2).fork().uint32((9 << 3) | 2).bytes(Uint8Array.of(9, 8, 7, 6)).ldelim()));
    expect(reads).toBe(1);
  });
});
