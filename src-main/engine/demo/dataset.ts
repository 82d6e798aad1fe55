import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { uniformSampler } from './random.js';

const DEMO_DATASET_FILE = 'demo.jsonl';
export const DEMO_DATASET_PATH = `resources/demo-data/${DEMO_DATASET_FILE}`;

export interface DemoDatasetOptions {
  paragraphs: number;
  seed: number;
  /** Sentences per paragraph, inclusive bounds. */
  sentences: [number, number];
}

/** What resources/demo-data/demo.jsonl was written with; a test checks the committed file still matches. */
export const DEMO_DATASET_SETTINGS: Readonly<DemoDatasetOptions> = { paragraphs: 200, seed: 1729, sentences: [4, 7] };

export interface DemoRow {
  text: string;
  topic: string;
}

// Words that fill the {slots} of the sentences below, so one sentence reads differently each time it is used.
const SLOTS: Record<string, string[]> = {
  name: ['Maya', 'Tomas', 'Priya', 'Jonah', 'Elena', 'Kwame', 'Ingrid', 'Luis', 'Aiko', 'Farah', 'Oskar', 'Nadia'],
  day: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  month: ['January', 'March', 'April', 'June', 'August', 'October', 'November'],
  count: ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'ten', 'twelve'],
  number: ['14', '27', '35', '48', '60', '72', '90', '125', '300'],
  city: ['Lisbon', 'Nairobi', 'Osaka', 'Toronto', 'Valparaiso', 'Tallinn', 'Hanoi', 'Glasgow', 'Porto Alegre'],
  colour: ['red', 'amber', 'pale green', 'deep blue', 'violet', 'copper', 'silver', 'ochre'],
  vegetable: ['carrots', 'leeks', 'aubergines', 'sweet potatoes', 'green beans', 'cauliflower', 'parsnips', 'spinach'],
  spice: ['cumin', 'smoked paprika', 'cardamom', 'black pepper', 'coriander seed', 'star anise', 'turmeric'],
  plant: ['tomatoes', 'runner beans', 'lavender', 'sunflowers', 'rhubarb', 'strawberries', 'sweet peas', 'basil'],
  planet: ['Mars', 'Jupiter', 'Saturn', 'Venus', 'Mercury', 'Neptune'],
  animal: ['octopus', 'honeybee', 'barn owl', 'salamander', 'sea otter', 'dragonfly', 'hedgehog', 'cuttlefish'],
  element: ['sodium', 'copper', 'iron', 'magnesium', 'zinc', 'potassium', 'calcium'],
  language: ['Rust', 'Python', 'TypeScript', 'Go', 'Haskell', 'C', 'Kotlin'],
  instrument: ['cello', 'trumpet', 'piano', 'oboe', 'drum kit', 'mandolin', 'clarinet', 'double bass'],
  key: ['D minor', 'G major', 'E flat', 'A minor', 'C major', 'F sharp minor'],
  vehicle: ['night train', 'ferry', 'bus', 'tram', 'bicycle', 'small plane'],
};

/** Original sentences by topic; each paragraph draws a few from one topic. */
const TOPICS: Record<string, string[]> = {
  cooking: [
    'Roast the {vegetable} at a high heat until their edges turn brown and sweet.',
    'A pinch of {spice} added at the end keeps its scent bright instead of bitter.',
    '{name} always salts the pasta water until it tastes faintly of the sea.',
    'The dough needs to rest for {count} hours before it can be shaped into loaves.',
    'If the sauce splits, whisk in a spoonful of cold water and it usually comes back together.',
    'Soup made on {day} tastes better on the following day, once the flavours have settled.',
    'Toasting whole {spice} in a dry pan releases oils that ground spice has already lost.',
    'A sharp knife is safer than a blunt one because it goes where you guide it.',
    'The recipe from {city} uses {vegetable} and a handful of dried fruit for sweetness.',
    'Let the pan heat fully before the oil goes in, or the fish will stick to the metal.',
    'Most home ovens run hotter or colder than their dial suggests, so a cheap thermometer helps.',
    '{name} keeps a jar of stock in the freezer for evenings when there is no time to cook.',
    'Fresh herbs go in at the very end, while dried herbs need time in the pot to soften.',
    'A squeeze of lemon can rescue a stew that tastes flat after hours of simmering.',
    'Rice cooked in {number} millilitres of water per cup comes out firm but tender.',
    'Brown butter smells of hazelnuts when it is ready and of smoke a few seconds later.',
    'The bakery on the corner sells its bread by weight and closes once the shelves are empty.',
    'Chopping onions under a running fan keeps the stinging vapour away from your eyes.',
    'Slow cooking turns tough cuts tender because the connective tissue melts into gelatin.',
    'Leftover {vegetable} make a good filling for a folded omelette the next morning.',
  ],
  gardening: [
    'Sow the {plant} after the last frost, usually some time in {month}.',
    '{name} waters the beds early in the morning, before the sun can steal the moisture.',
    'A layer of mulch keeps the soil cool in summer and smothers most of the weeds.',
    'The compost heap reached {number} degrees in its centre after a week of warm weather.',
    'Slugs come out after rain, so the young {plant} need protecting on damp evenings.',
    'Pinching out the growing tips makes the plants bushier and more productive.',
    'Clay soil holds water well but needs grit and organic matter to let roots breathe.',
    'The allotment has {count} raised beds, each planted with a different family of crops.',
    'Bees visit the {colour} flowers far more often than the white ones beside them.',
    'Rotating crops each year keeps soil-borne diseases from building up in one place.',
    'Seeds saved from last autumn germinated in {count} days on a sunny windowsill.',
    'A rain barrel under the shed gutter collects enough water for a dry fortnight.',
    'Prune the fruit trees in late winter, while the branches are bare and easy to read.',
    'The {plant} along the south fence ripened nearly a month earlier than the rest.',
    'Worms pull fallen leaves into the ground and leave richer soil behind them.',
    '{name} keeps a notebook of planting dates, harvests and the weather of each week.',
    'Netting over the brassicas keeps pigeons from stripping the leaves overnight.',
    'Overwatering kills more potted plants than forgetting to water them.',
    'Marigolds planted between the rows seem to keep some of the aphids away.',
    'By the end of {month} the greenhouse smelled of warm soil and tomato leaves.',
  ],
  weather: [
    'A band of rain moved in from the west on {day} and stayed over {city} until evening.',
    'Fog forms when moist air cools to its dew point near the ground.',
    'The forecast for {day} promises a dry morning and thunderstorms after lunch.',
    'Cumulus clouds that tower upward in the afternoon often end in a sudden shower.',
    'Wind speeds reached {number} kilometres per hour on the exposed coast.',
    'A falling barometer usually means unsettled weather is on its way.',
    'Snow fell in {city} for the first time in {count} years, and the schools closed early.',
    'Sea breezes start in the late morning, when the land warms faster than the water.',
    'The humidity made the afternoon feel far hotter than the thermometer claimed.',
    'Frost settled in the valley while the hillside above stayed a few degrees warmer.',
    'Meteorologists combine satellite images, balloon soundings and computer models.',
    'In {month} the prevailing winds shift and bring drier air from the interior.',
    'A rainbow appears when sunlight is bent and reflected inside falling raindrops.',
    'Hail grows inside storm clouds as ice pellets are carried up and down by strong drafts.',
    'The weather station on the roof logs temperature and pressure every {count} minutes.',
    '{name} checks the sky each evening, because a red sunset often means a fair morning.',
    'Heat waves strain power grids as millions of air conditioners switch on at once.',
    'Lightning heats the air around it to several times the temperature of the sun\'s surface.',
    'The drought ended with {count} days of steady rain that soaked deep into the fields.',
    'Clear winter nights are the coldest, because no cloud holds the day\'s warmth in.',
  ],
  astronomy: [
    '{planet} was bright in the eastern sky just before dawn on {day}.',
    'Light from the nearest star beyond the sun takes more than four years to reach us.',
    'A small telescope shows the rings of Saturn as a clear oval around the planet.',
    'The astronomy club in {city} meets on the first clear night of each month.',
    'Meteor showers happen when the Earth passes through dust left behind by a comet.',
    'The moon always shows the same face to the Earth because its spin is locked to its orbit.',
    '{name} photographed the galaxy with a {number}-second exposure and a steady mount.',
    'Astronomers find planets around other stars by the tiny dips they cause in starlight.',
    'A total solar eclipse turns midday into a strange twilight for a few minutes.',
    'The red colour of {planet} comes from iron oxide in the dust on its surface.',
    'Stars twinkle because turbulent air bends their light in constantly changing ways.',
    'Jupiter\'s largest moons can be seen with ordinary binoculars on a calm night.',
    'Dark skies away from city lights reveal thousands more stars than a suburb does.',
    'The spectrum of a star tells astronomers what it is made of and how fast it moves.',
    'A light year is a distance, not a time, even though its name suggests otherwise.',
    'Comets grow their tails only when they come close enough to the sun to warm up.',
    'The observatory dome opened at dusk and the telescope turned slowly toward {planet}.',
    'Neutron stars pack more mass than the sun into a ball the size of a city.',
    'In {month} the Milky Way rises high overhead in the hours after midnight.',
    'Radio telescopes listen for faint signals from gas clouds that visible light cannot show.',
  ],
  biology: [
    'The {animal} can change its behaviour quickly when the temperature shifts.',
    'Cells copy their DNA before dividing, checking the new strands for errors as they go.',
    'A healthy forest floor holds fungi that connect the roots of many different trees.',
    '{name} counted {number} species of insects in a single square metre of meadow.',
    'Enzymes speed up chemical reactions without being used up themselves.',
    'The {animal} spends most of the day hidden and feeds mainly after sunset.',
    'Bacteria in the gut help digest fibres that the body cannot break down alone.',
    'Leaves turn {colour} in autumn as chlorophyll fades and other pigments show through.',
    'Muscles work in pairs, one contracting while the other relaxes.',
    'Some seeds stay dormant for years until a fire or a flood gives them a chance to grow.',
    'The field station near {city} has tracked the same bird colony for {count} decades.',
    'Proteins fold into precise shapes, and a single wrong fold can stop them working.',
    'Coral reefs are built by tiny animals that live together with algae inside their tissue.',
    'A {animal} can detect changes in its surroundings that people would never notice.',
    'Hormones carry messages through the blood, while nerves carry them along fibres.',
    'Every generation of a population carries small variations for selection to act on.',
    'Red blood cells have no nucleus, which leaves more room for the oxygen they carry.',
    'The students watched pond water under the microscope and saw single cells swimming.',
    'Migrating birds use the stars, the sun and the Earth\'s magnetic field to navigate.',
    'Sleep gives the brain time to sort and store what was learned during the day.',
  ],
  chemistry: [
    'Dropping {element} into the flame turned it a vivid {colour}.',
    'Water expands as it freezes, which is why ice floats and pipes burst in winter.',
    'A catalyst lowers the energy a reaction needs, so it runs faster at the same temperature.',
    'The solution changed colour when the acid was neutralised by {number} millilitres of base.',
    'Salt dissolves in water because the water molecules pull the ions apart.',
    '{name} weighed the powder twice, since a small error would spoil the whole experiment.',
    'Rust forms slowly when {element} meets oxygen and moisture over many months.',
    'Distillation separates liquids by boiling the one that turns to vapour first.',
    'The periodic table groups elements that behave alike into the same column.',
    'Soap works because one end of each molecule likes water and the other likes grease.',
    'Batteries store energy in chemical form and release it as a flow of electrons.',
    'The lab in {city} keeps its solvents in a cabinet that vents to the outside.',
    'Carbon can form four bonds, which lets it build long chains and rings.',
    'Heating the crystals drove off their water and left a fine white powder behind.',
    'Goggles stay on in the lab even when the experiment looks harmless.',
    'Bread rises because yeast releases carbon dioxide that gets trapped in the dough.',
    'A buffer solution resists changes in acidity when small amounts of acid are added.',
    'Diamonds and graphite are both pure carbon arranged in different patterns.',
    'The reaction gave off heat, and the beaker was warm to the touch after {count} minutes.',
    'Chromatography spreads a mixture into bands that travel at different speeds.',
  ],
  programming: [
    'The test suite caught the bug before the change reached the main branch.',
    '{name} rewrote the parser in {language} and cut its memory use in half.',
    'A function that does one thing is easier to name, test and reuse.',
    'The build failed on {day} because a dependency changed its interface without warning.',
    'Caching the results made the page load in {number} milliseconds instead of several seconds.',
    'Clear error messages save users hours that would otherwise go into guessing.',
    'Code review works best when changes are small enough to read in one sitting.',
    'The program crashed only when the input file ended without a newline.',
    'Types document what a function expects, and the compiler keeps that documentation honest.',
    'A race condition appeared when {count} threads wrote to the same counter at once.',
    'Logging the inputs of a failing request often reveals the problem in minutes.',
    'The team in {city} moved their services from one large server to several small ones.',
    'Reading the source of a library is sometimes faster than searching its documentation.',
    'Every loop that walks an array needs a clear answer for the empty case.',
    'Version control lets a team try risky ideas and throw them away cheaply.',
    'A profiler showed that most of the time went into formatting dates, not into the maths.',
    'Naming a variable well is half of explaining what the code is meant to do.',
    '{name} keeps a small script that resets the development database in seconds.',
    'Deleting unused code is one of the most satisfying changes to review.',
    'The new release of the {language} compiler produced faster binaries without any code changes.',
  ],
  networking: [
    'Each packet carries the address of its destination and finds its own route there.',
    'The office router in {city} dropped connections whenever more than {number} devices joined.',
    'A firewall decides which traffic may cross the boundary between two networks.',
    'DNS translates a readable name into the numeric address that computers use.',
    '{name} traced the slow connection to a faulty cable behind the server rack.',
    'Latency is the delay before data arrives, while bandwidth is how much arrives per second.',
    'Encryption keeps a message private even when it passes through untrusted machines.',
    'The wireless signal weakened behind the thick stone walls of the old building.',
    'A load balancer spreads requests across {count} servers so none of them is overwhelmed.',
    'When the link failed, traffic moved to the backup line within a few seconds.',
    'Undersea cables carry most of the data that travels between continents.',
    'Ping measures the round trip of a small packet and reports it in milliseconds.',
    'The update was sent to every device overnight, when the network was quiet.',
    'A virtual private network wraps traffic in an encrypted tunnel across the internet.',
    'Switches learn which device sits on which port by watching the traffic go by.',
    'The outage on {day} began with a configuration change that looked harmless.',
    'Port numbers let one machine run many services at the same address.',
    'Mesh networks pass messages from node to node when no central router is in reach.',
    'Packet loss of even one percent can make a video call stutter and freeze.',
    'The engineers in {city} replaced the copper lines with fibre over {count} months.',
  ],
  music: [
    '{name} practises the {instrument} for an hour every morning before work.',
    'The piece in {key} opens quietly and builds to a crowded, joyful ending.',
    'A metronome helps a player notice when they rush the difficult passages.',
    'The choir rehearsed in the old church in {city}, where every note rang for seconds.',
    'Tuning the {instrument} took longer than usual because of the damp weather.',
    'Harmony is what happens when several notes sound together and agree or clash.',
    'The band recorded the album in {count} days, mostly playing live in one room.',
    'Listening closely to the bass line changes how the whole song feels.',
    'Scales are dull to practise but make every later piece easier to play.',
    'The concert on {day} sold out within an hour of the tickets going on sale.',
    'A rest in the music is as deliberate as any note, and just as hard to time.',
    'The {instrument} carries the melody while the strings hold a soft chord underneath.',
    'Folk songs often change a little each time they pass from one singer to the next.',
    '{name} learned to read music late but could always play a tune by ear.',
    'The drummer counted in, and the whole band started on exactly the same beat.',
    'Sound travels as pressure waves, and pitch depends on how often those waves arrive.',
    'An orchestra tunes to the oboe because its tone is steady and easy to hear.',
    'The festival in {month} brings street musicians from dozens of countries.',
    'Playing slowly and correctly beats playing quickly with mistakes.',
    'The last chord hung in the air for {count} seconds before anyone clapped.',
  ],
  travel: [
    'The {vehicle} to {city} left at dawn and arrived just after noon.',
    '{name} packed a single small bag and never once wished for more clothes.',
    'Learning a few words of the local language makes every conversation warmer.',
    'The old market in {city} opens at six and is busiest an hour later.',
    'A paper map still works when the phone battery runs out on a mountain path.',
    'We crossed the border on {day} and the landscape changed within a few kilometres.',
    'The hostel had {count} beds to a room and a kitchen everyone shared.',
    'Travelling out of season means quieter streets and cheaper rooms.',
    'The {vehicle} stopped at every village, and people climbed aboard with baskets of fruit.',
    'Jet lag is easier to shake by eating meals on the local schedule straight away.',
    'The guide in {city} told stories about each building we walked past.',
    'A long walk on the first morning is the best way to learn a new town.',
    'The ferry crossing took {number} minutes and the sea stayed calm the whole way.',
    '{name} keeps a travel diary and fills it with tickets, stamps and sketches.',
    'Some of the best meals come from small places with no menu in the window.',
    'Trains let you watch the country change slowly through the window.',
    'The hotel in {city} looked out over a harbour full of fishing boats.',
    'Travel insurance feels unnecessary right up until a flight is cancelled.',
    'In {month} the mountain roads close and the villages are reached only on foot.',
    'The journey home felt shorter, as return journeys somehow always do.',
  ],
};

/** The demo rows: short paragraphs of a few sentences, each from one topic, with their topic as a label. */
export function buildDemoRows(options: DemoDatasetOptions = DEMO_DATASET_SETTINGS): DemoRow[] {
  const random = uniformSampler(options.seed);
  const topics = Object.keys(TOPICS);
  return Array.from({ length: options.paragraphs }, (_, index) => {
    const topic = topics[index % topics.length];
    const [fewest, most] = options.sentences;
    const count = fewest + Math.floor(random() * (most - fewest + 1));
    const sentences = pickDistinct(TOPICS[topic], count, random).map((sentence) => fillSlots(sentence, random));
    return { text: sentences.join(' '), topic };
  });
}

/** Writes the rows as JSON lines, one paragraph per line. */
export function writeDemoDataset(path = DEMO_DATASET_PATH, options: DemoDatasetOptions = DEMO_DATASET_SETTINGS): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buildDemoRows(options).map((row) => JSON.stringify(row)).join('\n') + '\n');
}

/** The committed demo dataset in dir, written again only if it has gone missing; returns its path. */
export function ensureDemoDataset(dir = dirname(DEMO_DATASET_PATH)): string {
  const path = join(dir, DEMO_DATASET_FILE);
  if (!existsSync(path)) writeDemoDataset(path);
  return path;
}

function pickDistinct<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return picked;
}

function fillSlots(sentence: string, random: () => number): string {
  const filled = sentence.replace(/\{(\w+)\}/g, (_, slot: string) => {
    const choices = SLOTS[slot];
    if (!choices) throw new Error(`The demo sentence '${sentence}' names an unknown slot '${slot}'.`);
    return choices[Math.floor(random() * choices.length)];
  });
  return filled[0].toUpperCase() + filled.slice(1);
}
