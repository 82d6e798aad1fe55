import { FeatureService } from '../../api/feature-service.js';
import { InputError } from '../../shared/errors.js';
import { featurePageText } from '../../engine/features/text.js';
import { openDatabase } from '../../store/database.js';
import { databaseFlag, databaseOption, integerOption, stringOption, type Command } from '../command.js';

export const featureCommand: Command = {
  name: 'feature',
  summary: "Print one feature's page: statistics, top examples, histogram, logit effects and nearest features",
  positionals: 'RUN',
  options: {
    hook: { type: 'string', value: 'HOOK', description: "The SAE's hook (needed when the run has several)" },
    index: { type: 'string', value: 'N', description: 'The feature index' },
    db: databaseFlag(),
  },
  async run(options, positionals) {
    const [runName] = positionals;
    if (!runName) throw new InputError("Name a run id, or 'latest'. See 'sae-studio feature --help'.");
    const index = integerOption(options, 'index', 0);
    if (index === undefined) throw new InputError("--index is required. See 'sae-studio feature --help'.");
    const db = openDatabase(databaseOption(options));
    try {
      console.log(featurePageText(new FeatureService(db).page(runName, { hook: stringOption(options, 'hook') }, index)));
    } finally {
      db.close();
    }
    return 0;
  },
};
