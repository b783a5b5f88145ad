-- Sameroom workspace, schema 8. Answers marketing found useful (issue 15, "Back to the reps"): a marketer
-- marks one of a feedback item's answers (by its place in feedback.answers) and the panel's "How it is
-- going" shows the campaign's most recently marked one. Who marked it and when; unmarking deletes the row.
-- No foreign keys, like feedback's since schema 5: feedback and members are never deleted.
CREATE TABLE useful_answers (
  feedback_id uuid NOT NULL,
  answer_index integer NOT NULL CHECK (answer_index >= 0),
  marked_by uuid NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (feedback_id, answer_index)
);
CREATE INDEX useful_answers_marked_at ON useful_answers (marked_at DESC);
