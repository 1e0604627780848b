"""The supervision area (issue 9; Art. 4.10–4.13, Art. 7): the office's visits to its partners and the files it
samples, the partners' action plans, complaints, violations reported to the Article 26 commission, and the decision
to continue or stop working with a partner."""
