import { describe, expect, it } from 'vitest';
import { chooseDevice, hasNvidiaGpu, unavailableReason } from '../../../src-main/engine/onnx/devices.js';

describe('chooseDevice', () => {
  it('always finds the CPU', async () => {
    expect(await unavailableReason('cpu')).toBeUndefined();
    expect(await chooseDevice('cpu')).toEqual({ provider: 'cpu', report: ['Running on cpu.'] });
  });

  it('falls back in order and says why each provider was passed over', async () => {
    const choice = await chooseDevice('auto');
    const order = ['cuda', 'webgpu', 'cpu'];
    const skipped = choice.report.slice(0, -1).map((line) => /^Skipped (\w+): (.+)\.$/.exec(line)?.[1]);
    expect(skipped).toEqual(order.slice(0, order.indexOf(choice.provider)));
    expect(choice.report.at(-1)).toBe(`Running on ${choice.provider}.`);
  });

  it('refuses an explicit webgpu that cannot run with the reason', async () => {
    const reason = await unavailableReason('webgpu');
    if (reason) await expect(chooseDevice('webgpu')).rejects.toThrow(`Device 'webgpu' is not available: ${reason}.`);
    else expect((await chooseDevice('webgpu')).provider).toBe('webgpu');
  });

  it.runIf(!hasNvidiaGpu())('refuses cuda without a GPU in one sentence', async () => {
    await expect(chooseDevice('cuda')).rejects.toThrow("Device 'cuda' is not available: no NVIDIA GPU or CUDA provider libraries were found.");
  });
});
