// Fictional data pools. Phone numbers use the 555-01xx block reserved for fiction.

export const FIRST = [
  'Alex', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn', 'Parker',
  'Harper', 'Rowan', 'Emerson', 'Finley', 'Hayden', 'Reese', 'Skyler', 'Dakota', 'Elliot', 'Sawyer',
  'Priya', 'Mateo', 'Yuki', 'Amara', 'Lars', 'Ines', 'Omar', 'Chen', 'Sofia', 'Kofi',
  'Noor', 'Diego', 'Hana', 'Luca', 'Zara', 'Ivan', 'Maya', 'Tariq', 'Elena', 'Jonah',
];
export const LAST = [
  'Morgan', 'Reed', 'Patel', 'Nguyen', 'Garcia', 'Kim', 'Okafor', 'Larsen', 'Rossi', 'Silva',
  'Bennett', 'Hughes', 'Novak', 'Tanaka', 'Haddad', 'Fischer', 'Moreau', 'Costa', 'Walsh', 'Ortiz',
  'Brooks', 'Price', 'Lindqvist', 'Mensah', 'Dubois', 'Keller', 'Sato', 'Rahman', 'Young', 'Vega',
  'Ward', 'Foster', 'Abbott', 'Marsh', 'Quintero', 'Holm', 'Adler', 'Bishop', 'Carver', 'Delgado',
];
export const COMPANIES = [
  'Bluebird Logistics', 'Cedar Analytics', 'Harborview Clinic', 'Northwind Traders', 'Pinecrest Legal',
  'Quartz Robotics', 'Riverbend Realty', 'Summit Outfitters', 'Tidewater Foods', 'Vantage Design',
  'Willow Bakery', 'Zenith Insurance',
];
export const JOBS = [
  'Account Manager', 'Office Manager', 'Buyer', 'CFO', 'Designer', 'Engineer', 'Paralegal',
  'Practice Manager', 'Sales Lead', 'Support Specialist', 'Operations Director', 'Consultant',
];
export const DEPARTMENTS = ['Sales', 'Support', 'Engineering', 'Finance', 'Operations', 'Marketing'];

/** [area code, city, state]; numbers are +1 <ac> 555 01xx. */
export const AREAS: ReadonlyArray<readonly [string, string, string]> = [
  ['650', 'Palo Alto', 'CA'], ['415', 'San Francisco', 'CA'], ['408', 'San Jose', 'CA'],
  ['212', 'New York', 'NY'], ['312', 'Chicago', 'IL'], ['617', 'Boston', 'MA'],
  ['206', 'Seattle', 'WA'], ['303', 'Denver', 'CO'], ['512', 'Austin', 'TX'], ['404', 'Atlanta', 'GA'],
];
export const STREETS = ['Main St', 'Oak Ave', 'Harbor Blvd', 'Elm St', 'Market St', 'Cedar Ln', 'Lake Dr', 'Pine Ct'];

export const SMS_IN = [
  'Hi, is the order ready for pickup?', 'Can we move our call to 3pm?', 'Thanks, got it!',
  'Running 10 minutes late, sorry.', 'Please send the invoice again.', 'Is the office open on Saturday?',
  'Confirming our appointment tomorrow at 9.', 'Who should I contact about billing?',
  'Great news, the contract is signed.', 'Can you call me back when you have a minute?',
  'The package arrived damaged, what now?', 'Sounds good 👍', 'Do you have the quote handy?',
];
export const SMS_OUT = [
  'Yes, it is ready. See you soon.', 'Sure, 3pm works.', 'No problem!', 'Invoice re-sent to your email.',
  'We are closed on Saturdays, open Monday 8am.', 'Confirmed, see you at 9.', 'Billing is handled by Finance, I will forward it.',
  'Congratulations! Welcome aboard.', 'Calling you in 5 minutes.', 'Sorry to hear that, we will ship a replacement.',
  'Quote attached in email.', 'Reminder: your appointment is tomorrow.',
];
export const POSTS = [
  'Morning all! Stand-up in 10.', 'Pushed the new pricing sheet to the shared drive.', 'Who is covering the phones at lunch?',
  'Customer call went well, notes to follow.', 'Reminder: timesheets due Friday.', 'Can someone review the Q3 deck?',
  'The printer on floor 2 is fixed.', 'Lunch is on me today 🍕', 'Heads up: system maintenance tonight at 11pm.',
  'Great job on the launch, team!', 'I will be out Monday, back Tuesday.', 'Link to the agenda is in the calendar invite.',
  'Can we move the sync to Thursday?', 'Draft is ready for feedback.', 'Welcome to the team!',
];
export const TEAMS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['Product Launch', 'Coordination for the spring product launch', false],
  ['Support Escalations', 'Tier 2 escalations and on-call handoffs', false],
  ['Random', 'Water-cooler chat', true],
  ['Sales Wins', 'Share closed deals and customer stories', true],
  ['Office Move 2024', 'Planning the move (archived)', false],
  ['Book Club', 'Monthly book discussions, everyone welcome', true],
];
export const MEETING_NAMES = ['Weekly sync', 'Board review', 'Customer onboarding', 'Quick chat', 'Design critique', 'All hands', '1:1', 'Sprint planning'];
/** Voicemail transcriptions; {name} is the caller's first name. */
export const VOICEMAILS = [
  "Hi, it's {name}. Just checking whether the order shipped today. Call me back when you can, thanks.",
  'Hello, this is {name} calling about the invoice from last month. I think it was charged twice. Please give me a call.',
  "Hey, {name} here. I'm running about fifteen minutes late for our meeting, sorry about that.",
  'Hi, {name} from the front desk. Your package arrived and is waiting at reception.',
  'Good morning, this is {name}. Can we move tomorrow\'s appointment to the afternoon? Any time after two works.',
  "Hi, it's {name}. The contract is signed, I'll email it over shortly. Talk soon.",
];
