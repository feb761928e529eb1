/** Word lists for the demo data: people, startups, and what staff and founders write. */

export const FIRST_NAMES = [
  'Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Sarah', 'Emma', 'Jade', 'Louise', 'Alice', 'Zoé', 'Lina', 'Clara', 'Anaïs',
  'Julie', 'Mathilde', 'Pauline', 'Nadia', 'Yasmine', 'Fatou', 'Hélène', 'Sophie', 'Claire', 'Aurélie', 'Élodie', 'Marion',
  'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Adam', 'Nathan', 'Théo', 'Raphaël', 'Paul', 'Maxime', 'Antoine',
  'Thomas', 'Nicolas', 'Julien', 'Karim', 'Mehdi', 'Samuel', 'Olivier', 'Pierre', 'Vincent', 'Bastien', 'Romain', 'Yanis',
  'Moussa', 'Kevin', 'Benoît', 'Marc', 'Anna', 'James', 'Olivia', 'Sofia', 'Daniel', 'Priya', 'Wei', 'Lukas', 'Elena',
] as const;

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
  'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefèvre',
  'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc',
  'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez',
  'Fontaine', 'Chevalier', 'Robin', 'Benali', 'Diallo', 'Nguyen', 'Haddad', 'Traoré', 'Kowalski', 'Smith', 'Chen', 'Rossi',
] as const;

/** Startup names are PREFIX + CORE (+ SUFFIX): 40 × 40 base names, searchable by any part. */
export const NAME_PREFIXES = [
  'Cardio', 'Neuro', 'Derma', 'Onco', 'Pneumo', 'Immuno', 'Gastro', 'Nephro', 'Ortho', 'Hemato', 'Endo', 'Gyneco', 'Pedia',
  'Geria', 'Psy', 'Ophta', 'Oto', 'Rhuma', 'Uro', 'Myo', 'Bio', 'Medi', 'Vita', 'Sana', 'Nova', 'Gen', 'Cyto', 'Lumi',
  'Pulse', 'Kine', 'Thera', 'Dia', 'Opti', 'Flux', 'Nano', 'Quanta', 'Helio', 'Aero', 'Hydra', 'Synap',
] as const;

export const NAME_CORES = [
  'sense', 'lytics', 'scan', 'care', 'flow', 'gen', 'path', 'tech', 'mind', 'bridge', 'link', 'track', 'vision', 'logic',
  'cell', 'print', 'wave', 'lab', 'nest', 'ware', 'ly', 'dx', 'ia', 'metrics', 'pulse', 'patch', 'cure', 'dose', 'beat',
  'form', 'sight', 'gram', 'lens', 'ome', 'phage', 'chip', 'bot', 'sphere', 'core', 'hub',
] as const;

export const NAME_SUFFIXES = ['', '', '', '', ' Health', ' Labs', ' Bio', ' Therapeutics', ' Medical', ' AI', ' SAS', ' Diagnostics'] as const;

export const SUMMARY_WHAT = [
  'a connected patch that tracks vital signs at home',
  'an algorithm that reads retinal images to detect early diabetic retinopathy',
  'a platform that matches patients with clinical trials',
  'a point-of-care assay for sepsis biomarkers',
  'a federated data space for hospital records',
  'a digital therapeutic for chronic pain',
  'a microfluidic chip for antibiotic susceptibility testing',
  'a voice biomarker for the follow-up of neurodegenerative diseases',
  'a tele-rehabilitation programme for stroke survivors',
  'an AI triage assistant for emergency departments',
  'a wearable ECG with arrhythmia detection',
  'a mobile app that coaches people with type 2 diabetes',
  'a 3D-printed custom orthosis service',
  'a pharmacovigilance engine that mines patient forums',
  'a low-cost ultrasound probe for primary care',
] as const;

export const DECLINE_REASONS = [
  'Le projet ne relève pas de la santé numérique.',
  'Le niveau de maturité ne correspond à aucun programme pour le moment.',
  'The team is not yet formed; please come back once a co-founder has joined.',
  'Dossier incomplet malgré nos relances.',
  'Projet trop proche d’une startup déjà accompagnée sur le campus.',
  'The business model is not yet explained; we suggest the pre-entrepreneurial workshops first.',
] as const;

export const INFO_REQUESTS = [
  'Pouvez-vous préciser le niveau de maturité technologique et joindre vos premiers résultats ?',
  'Merci de nous indiquer votre besoin de financement et son calendrier.',
  'Could you tell us more about the team and who will work full time on the project?',
  'Avez-vous déjà échangé avec un service hospitalier pour vos essais ?',
  'Please send the incorporation documents (Kbis) and the cap table.',
  'Quelle est votre stratégie réglementaire (marquage CE, classe du dispositif) ?',
] as const;

export const FOUNDER_REPLIES = [
  'Merci, vous trouverez les éléments demandés ci-dessous. Nous restons disponibles pour un échange.',
  'Voici nos premiers résultats : la preuve de concept a été validée sur 40 patients.',
  'Thanks for your question. The team is three people, two of them full time from next month.',
  'Nous visons le marquage CE classe IIa d’ici dix-huit mois, un consultant nous accompagne.',
  'We need about 300 k€ over the next year, half of it for the clinical study.',
  'Oui, le service de cardiologie de l’hôpital partenaire a donné son accord de principe.',
] as const;

export const STAFF_MESSAGES = [
  'Bonjour, nous avons bien commencé l’étude de votre dossier, je reviens vers vous très vite.',
  'Un point téléphonique la semaine prochaine vous conviendrait-il ?',
  'Hello, I have read your application with interest; a short call would help us route it.',
  'Pensez à vous inscrire à la réunion d’information du jeudi.',
] as const;

export const NOTES = [
  'Équipe solide, à suivre de près.',
  'Vu au salon MedInTechs, bon pitch.',
  'Check the IP situation with the tech transfer office before deciding.',
  'Proche d’un projet déjà accompagné : vérifier le recouvrement.',
  'Founder very responsive, good candidate for the studio.',
  'Demander l’avis du référent réglementaire.',
] as const;

export const WITHDRAW_REASONS = [
  'Nous avons trouvé un autre accompagnement.',
  'The project is on hold for now.',
  'Nous préférons redéposer une candidature plus complète plus tard.',
] as const;

export const MILESTONE_TITLES = [
  'Kick-off et feuille de route',
  'Étude de marché validée',
  'Premier prototype testé',
  'Dossier réglementaire déposé',
  'Demo day',
] as const;
