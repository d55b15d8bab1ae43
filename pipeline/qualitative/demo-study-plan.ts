/**
 * What the demo study codes and charts (a partly coded demo project and a partly charted matrix, so every page has
 * something to show). Data only; demo-study.ts applies it. Every passage is an exact sentence of the transcript (unique
 * in it, checked on load), so the plan reads as evidence and never drifts from the text. Codes are the topic guide's
 * (frameworks/).
 *
 * Two coders code P03 and P07 (mostly alike, with a few differences, so the agreement table has something to show);
 * coder A alone codes P05, P06 (its passages sit after an emoji, so code points and UTF-16 differ) and P08.
 * The matrix charts part of "Barriers and facilitators to implementation"; P10's cell is rapid analysis (no coding).
 */

export const DEMO_CODER_A = 'Coder A (demo)';
export const DEMO_CODER_B = 'Coder B (demo)';
export const DEMO_FRAMEWORK = 'topic-guide';
export const DEMO_MATRIX_CATEGORY = 'Barriers and facilitators to implementation';

export interface PlannedCoding {
  participant: string;
  passage: string;
  code: string;
  coders: string[];
}

const A = [DEMO_CODER_A];
const AB = [DEMO_CODER_A, DEMO_CODER_B];
const B = [DEMO_CODER_B];

export const DEMO_CODINGS: PlannedCoding[] = [
  // P03: colposcopy lead (both coders)
  {
    participant: 'P03',
    code: 'Patient enquiries',
    coders: AB,
    passage:
      "Their worry was workload. If women can see their results online, what happens when they see something they don't understand?"
  },
  {
    participant: 'P03',
    code: 'Patient safety',
    coders: AB,
    passage:
      "You don't want someone finding out they've got a high-grade abnormality from a screen at eleven o'clock at night with nobody to talk to."
  },
  {
    participant: 'P03',
    code: 'Patient enquiries',
    coders: A,
    passage: "We haven't seen an increase in queries at all."
  },
  {
    participant: 'P03',
    code: 'Patient enquiries',
    coders: B,
    passage: "No. That's the honest answer. We haven't seen an increase in queries at all."
  },
  {
    participant: 'P03',
    code: 'Creating resources',
    coders: A,
    passage:
      'And the nurses wrote new patient information leaflets, specifically for people looking at their results on the CIE.'
  },
  {
    participant: 'P03',
    code: 'Single sign-on',
    coders: AB,
    passage:
      "When we do, it's another username and password, which is a nuisance, it's not linked to the hospital system"
  },
  {
    participant: 'P03',
    code: 'Clinical champions',
    coders: AB,
    passage: 'And four, I suppose, somebody in the service actually wanted it. Me.'
  },
  {
    participant: 'P03',
    code: 'Start small',
    coders: A,
    passage: "For a service, start with what your patients have asked for. Don't turn on everything."
  },
  {
    participant: 'P03',
    code: 'Tailored functionality',
    coders: B,
    passage: "For a service, start with what your patients have asked for. Don't turn on everything."
  },
  // P07: the GP whose practice did not join (both coders)
  {
    participant: 'P07',
    code: 'National data sharing policy',
    coders: AB,
    passage:
      "Who owns the data once it's in there? Is it the patient's, because it's a patient-held record? Is it the system's? Is it still ours?"
  },
  {
    participant: 'P07',
    code: 'National data sharing policy',
    coders: A,
    passage: "They were saying the national guidance isn't clear enough for us to tell you it's safe."
  },
  {
    participant: 'P07',
    code: 'GPs and Local Medical Committees',
    coders: B,
    passage: "They were saying the national guidance isn't clear enough for us to tell you it's safe."
  },
  {
    participant: 'P07',
    code: 'Primary care engagement',
    coders: AB,
    passage: 'Each practice is an independent business with its own data, its own partners, its own view.'
  },
  {
    participant: 'P07',
    code: 'Interoperability',
    coders: AB,
    passage: "As I understand it, there wasn't actually a working interface from our clinical system into the CIE."
  },
  {
    participant: 'P07',
    code: 'Patient enquiries',
    coders: AB,
    passage: 'They ring the surgery and book a ten-minute appointment to ask what their potassium means.'
  },
  {
    participant: 'P07',
    code: 'Single sign-on',
    coders: A,
    passage: 'And then on our end, it would be another log-in, another system.'
  },
  {
    participant: 'P07',
    code: 'Non-integration',
    coders: B,
    passage: 'And then on our end, it would be another log-in, another system.'
  },
  {
    participant: 'P07',
    code: 'Engage GPs early',
    coders: AB,
    passage: "Come to us early, before you've built anything."
  },
  {
    participant: 'P07',
    code: 'Awareness of patient views',
    coders: A,
    passage: "And I didn't see much evidence that our patients were asking for it."
  },
  // P05: early intervention in psychosis
  {
    participant: 'P05',
    code: 'Sensitive services',
    coders: A,
    passage: "A mental health record isn't like a set of blood results."
  },
  {
    participant: 'P05',
    code: 'Privacy labels',
    coders: A,
    passage:
      'The supplier developed these privacy labels, so information can be labelled as general, mental health, sexual health, social care, and the patient decides who can see each category.'
  },
  {
    participant: 'P05',
    code: 'National data sharing policy',
    coders: A,
    passage:
      "And some of those questions didn't have clear answers at national level, so our IG team, and theirs, had to work out positions from scratch."
  },
  { participant: 'P05', code: 'Clinician engagement', coders: A, passage: "And I'll admit the enthusiasm dipped." },
  { participant: 'P05', code: 'Clinician workload', coders: A, passage: "We're a stretched team." },
  {
    participant: 'P05',
    code: 'Start small',
    coders: A,
    passage: "For a programme: don't start with the sensitive services."
  },
  // P06: rheumatology, messaging switched on (the deviant case: workload went down)
  {
    participant: 'P06',
    code: 'Benefits for clinicians',
    coders: A,
    passage: 'Thanks so much 🙂” [laughs] And that’s exactly the conversation you want a patient to be having.'
  },
  {
    participant: 'P06',
    code: 'Patient enquiries',
    coders: A,
    passage:
      'What actually happened is that it replaced phone calls, more or less one for one, and the messages are quicker to deal with than the calls.'
  },
  {
    participant: 'P06',
    code: 'Patient enquiries',
    coders: A,
    passage: 'Before, that would have been a phone call, a message left, a call back, a missed call…'
  },
  { participant: 'P06', code: 'Single sign-on', coders: A, passage: 'There’s no single sign-on.' },
  // P08: CCG digital programme lead
  {
    participant: 'P08',
    code: 'Primary care engagement',
    coders: A,
    passage:
      "It became clear quite quickly that the CCG can't sign on behalf of practices. Each practice is its own data controller."
  },
  {
    participant: 'P08',
    code: 'National data sharing policy',
    coders: A,
    passage: "Mostly ownership and liability. Who owns the data once it's in the CIE?"
  },
  {
    participant: 'P08',
    code: 'Interoperability',
    coders: A,
    passage: 'There was no interface from the GP clinical systems into the CIE.'
  },
  {
    participant: 'P08',
    code: 'Privacy labels',
    coders: A,
    passage: 'Nobody wanted to hear that the GP would have to go through and label things.'
  },
  {
    participant: 'P08',
    code: 'Patient enquiries',
    coders: A,
    passage:
      "GPs will say, fine, it doesn't create work for the consultant, but who does the patient ring when they don't understand their result? They ring us."
  },
  {
    participant: 'P08',
    code: 'Engage GPs early',
    coders: A,
    passage: 'Involve the CCGs and the LMCs at the very start, in the design, before the product is chosen.'
  }
];

export interface PlannedCell {
  participant: string;
  code: string;
  summary: string;
  status: 'drafted' | 'reviewed';
  /** Passages (of this participant, coded by coder A) quoted as [Q1], [Q2] … in order. */
  quotes: string[];
}

export const DEMO_CELLS: PlannedCell[] = [
  {
    participant: 'P07',
    code: 'National data sharing policy',
    status: 'reviewed',
    summary:
      'Will not sign while ownership, liability and withdrawal are unanswered [Q1]; the LMC advised caution until the national position is clear, and he agrees with it [Q2].',
    quotes: [
      "Who owns the data once it's in there? Is it the patient's, because it's a patient-held record? Is it the system's? Is it still ours?",
      "They were saying the national guidance isn't clear enough for us to tell you it's safe."
    ]
  },
  {
    participant: 'P08',
    code: 'National data sharing policy',
    status: 'drafted',
    summary:
      'Ownership and liability were the sticking points for practices; neither the CCG nor national guidance could answer them [Q1].',
    quotes: ["Mostly ownership and liability. Who owns the data once it's in the CIE?"]
  },
  {
    participant: 'P05',
    code: 'National data sharing policy',
    status: 'drafted',
    summary:
      'No national answers on sharing mental health information, so each IG conversation started from scratch [Q1].',
    quotes: [
      "And some of those questions didn't have clear answers at national level, so our IG team, and theirs, had to work out positions from scratch."
    ]
  },
  {
    participant: 'P03',
    code: 'Patient enquiries',
    status: 'drafted',
    summary:
      'Nurses feared calls from women reading results online [Q1]; none came after go-live [Q2], perhaps because of the letters and new leaflets.',
    quotes: [
      "Their worry was workload. If women can see their results online, what happens when they see something they don't understand?",
      "We haven't seen an increase in queries at all."
    ]
  },
  {
    participant: 'P06',
    code: 'Patient enquiries',
    status: 'drafted',
    summary: 'Deviant case: messaging replaced phone calls one for one and is quicker to handle [Q1].',
    quotes: [
      'What actually happened is that it replaced phone calls, more or less one for one, and the messages are quicker to deal with than the calls.'
    ]
  },
  {
    participant: 'P07',
    code: 'Patient enquiries',
    status: 'drafted',
    summary:
      'Expects hospital results to become GP appointments [Q1]; hospital evidence of no extra queries does not reassure him about general practice.',
    quotes: ['They ring the surgery and book a ten-minute appointment to ask what their potassium means.']
  },
  {
    participant: 'P10',
    code: 'Clinician workload',
    status: 'drafted',
    summary:
      'Rapid analysis, not yet coded: wants evidence, with numbers, that it does not add to GP workload; colposcopy and rheumatology are the kind of previous success that would persuade GPs (line 42).',
    quotes: []
  }
];

export interface PlannedMemo {
  participant?: string;
  code?: string;
  title: string;
  body: string;
}

export const DEMO_MEMOS: PlannedMemo[] = [
  {
    participant: 'P07',
    title: 'Deviant case',
    body: 'An IT enthusiast who still refused: his reasons are governance and workload, not technology. Compare with P10, the enthusiastic GP who could not carry his colleagues.'
  },
  {
    code: 'National data sharing policy',
    title: 'Cuts across groups',
    body: 'The GP, the CCG lead and the mental health trust all name it as the biggest cause of delay. Check what the funders say.'
  }
];
