-- Questions asked in private chats: /unanswered shows only a group's, so no one could
-- ever see them; Accord no longer keeps them.
DELETE FROM unanswered_questions
WHERE chat_id IN (SELECT chat_id FROM chats WHERE type = 'private');
