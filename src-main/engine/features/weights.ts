import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { readModelFolder } from '../model/folder.js';
import type { TextTokenizer } from '../model/types.js';
import { openSae } from '../sae/registry.js';
import { logitEffect } from './logit-effects.js';
import type { LogitEffect, Neighbours } from '../../shared/features.js';
import { DecoderCosines } from './neighbours.js';

/** What a page reads from the SAE and model alone: the decoder, the unembedding and the tokenizer. */
export interface FeatureWeightSources {
  model: string;
  sae: string;
}

/** Unembedding names, first found wins: an untied head, else the token embedding a tied head reads. */
const UNEMBEDDING_TENSORS = ['lm_head.weight', 'wte.weight'];

/** One SAE's decoder and its model's unembedding, loaded once and kept for every page of that SAE. */
export class FeatureWeights {
  readonly tokenizer: TextTokenizer;
  readonly featureCount: number;
  #cosines: DecoderCosines;
  #unembedding: Float32Array;

  private constructor(parts: { tokenizer: TextTokenizer; cosines: DecoderCosines; unembedding: Float32Array }) {
    this.tokenizer = parts.tokenizer;
    this.#cosines = parts.cosines;
    this.#unembedding = parts.unembedding;
    this.featureCount = parts.cosines.decoder.rows;
  }

  static open(sources: FeatureWeightSources): FeatureWeights {
    const sae = openSae(sources.sae);
    const folder = readModelFolder(sources.model);
    try {
      if (folder.config.modelWidth !== sae.inputSize) {
        throw new InputError(`The SAE in ${sources.sae} reads ${sae.inputSize}-wide activations but ${basename(sources.model)} is ${folder.config.modelWidth} wide.`, sources.sae);
      }
      const name = UNEMBEDDING_TENSORS.find((candidate) => folder.weights.has(candidate));
      if (!name) throw new InputError(`${basename(sources.model)} has no unembedding (${UNEMBEDDING_TENSORS.join(' or ')}).`, sources.model);
      const decoder = { weights: sae.decoderWeights, rows: sae.featureCount, width: sae.inputSize };
      return new FeatureWeights({ tokenizer: folder.tokenizer, cosines: new DecoderCosines(decoder), unembedding: folder.weights.read(name) });
    } finally {
      folder.weights.close();
    }
  }

  logitEffect(feature: number): LogitEffect {
    const { weights, width } = this.#cosines.decoder;
    return logitEffect(weights.subarray(feature * width, (feature + 1) * width), this.#unembedding);
  }

  neighbours(feature: number): Neighbours {
    return this.#cosines.nearest(feature);
  }

  /** The features whose decoder rows most raise a token's logit, with their effect W_dec[i] · W_U[:, token]. */
  promoting(token: number, count = 10): [number, number][] {
    const { width } = this.#cosines.decoder;
    const column = this.#unembedding.subarray(token * width, (token + 1) * width);
    const effects = logitEffect(column, this.#cosines.decoder.weights, count);
    return effects.top;
  }
}
